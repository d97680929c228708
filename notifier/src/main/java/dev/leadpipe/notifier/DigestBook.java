package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily-digest offers' leads since their last digest, summed up in memory per offer (counts, times and ids, no
 * personal data), and the sending of those digests: one per offer once it is due
 * ({@link NotifierConfig#digestInterval()} after its first lead, on the injected clock), or all at once. A digest is sent to the offer's contacts at sending
 * time; one that cannot be sent is kept, merged with any newer one, and due again {@link Notifier#RETRY_LATER} later.
 * Held in memory only: a crash before a digest is sent loses that summary (not the leads).
 */
final class DigestBook {
    private static final Logger LOG = LoggerFactory.getLogger(DigestBook.class);
    /** At most this many lead ids are listed in one digest; the rest are counted. */
    static final int MAX_LISTED_IDS = 500;

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final ContactMailer mailer;
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    private final ReentrantLock sending = new ReentrantLock();

    DigestBook(NotifierConfig config, Clock clock, DestinationCatalog catalog, ContactMailer mailer) {
        this.config = config;
        this.clock = clock;
        this.catalog = catalog;
        this.mailer = mailer;
    }

    /** Sums the lead into its offer's digest. */
    void add(Lead lead) {
        Instant now = clock.instant();
        synchronized (digests) {
            digests.computeIfAbsent(lead.offerId(), id -> new Digest(id, now.plus(config.digestInterval())))
                    .add(lead, now);
        }
    }

    /** How many offers have a digest waiting. */
    int pending() {
        synchronized (digests) {
            return digests.size();
        }
    }

    /** Sends the digests that are due; returns how many were handed to SMTP. */
    int sendDue(int attempts) {
        Instant now = clock.instant();
        return send(d -> !d.dueAt.isAfter(now), attempts);
    }

    /** Sends every waiting digest, whatever its time; returns how many were handed to SMTP. */
    int sendAll(int attempts) {
        return send(d -> true, attempts);
    }

    private int send(Predicate<Digest> which, int attempts) {
        sending.lock();
        try {
            List<Digest> ready = new ArrayList<>();
            synchronized (digests) {
                for (Iterator<Digest> it = digests.values().iterator(); it.hasNext(); ) {
                    Digest d = it.next();
                    if (which.test(d)) {
                        ready.add(d);
                        it.remove();
                    }
                }
            }
            int sent = 0;
            for (Digest d : ready) {
                if (send(d, attempts)) {
                    sent++;
                }
            }
            return sent;
        } finally {
            sending.unlock();
        }
    }

    /** Sends one digest to the offer's current contacts; true when sent, false when dropped or put back. */
    private boolean send(Digest d, int attempts) {
        Optional<LeadDestination> found = catalog.get(d.offerId);
        List<InternetAddress> to = found.map(ContactMailer::contacts).orElse(List.of());
        if (to.isEmpty()) {
            LOG.info(
                    "the digest of offer {} ({} leads) is dropped: the offer has no destination or contact any more",
                    d.offerId,
                    d.count);
            return false;
        }
        String body = LeadMessages.digestBody(
                d.offerId,
                d.offerTitle,
                d.byAction,
                d.edu,
                d.test,
                d.first,
                d.last,
                d.listedIds(),
                ContactMailer.deliveryType(found.get()),
                config.leadLookupUrl().orElse(null));
        try {
            mailer.send(
                    NotifierMetrics.Kind.DIGEST,
                    "the digest of offer " + d.offerId,
                    to,
                    LeadMessages.digestSubject(d.offerId, d.count),
                    body,
                    attempts);
            LOG.info("sent the digest of offer {} ({} leads) to {} contact(s)", d.offerId, d.count, to.size());
            return true;
        } catch (ContactMailer.MailNotSent e) {
            Instant retryAt = clock.instant().plus(Notifier.RETRY_LATER);
            synchronized (digests) {
                Digest newer = digests.get(d.offerId);
                if (newer != null) {
                    d.absorb(newer);
                }
                d.dueAt = retryAt;
                digests.put(d.offerId, d);
            }
            LOG.warn("the digest of offer {} could not be sent; it is kept and retried later", d.offerId);
            return false;
        }
    }

    /** One offer's leads since its last digest: counts, times and ids only. */
    private static final class Digest {
        final String offerId;
        String offerTitle;
        final Map<String, Integer> byAction = new LinkedHashMap<>();
        final List<String> leadIds = new ArrayList<>();
        int count;
        int edu;
        int test;
        Instant first;
        Instant last;
        Instant dueAt;

        Digest(String offerId, Instant dueAt) {
            this.offerId = offerId;
            this.dueAt = dueAt;
        }

        void add(Lead lead, Instant now) {
            Instant at = lead.receivedAt() != null ? lead.receivedAt() : now;
            count++;
            byAction.merge(LeadMessages.actionCode(lead), 1, Integer::sum);
            if (LeadMessages.isEdu(lead)) {
                edu++;
            }
            if (lead.test()) {
                test++;
            }
            if (lead.offerTitle() != null && !lead.offerTitle().isBlank()) {
                offerTitle = lead.offerTitle();
            }
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
            leadIds.add(lead.leadId());
        }

        void absorb(Digest other) {
            count += other.count;
            edu += other.edu;
            test += other.test;
            other.byAction.forEach((k, v) -> byAction.merge(k, v, Integer::sum));
            leadIds.addAll(other.leadIds);
            if (other.offerTitle != null) {
                offerTitle = other.offerTitle;
            }
            first = first == null || (other.first != null && other.first.isBefore(first)) ? other.first : first;
            last = last == null || (other.last != null && other.last.isAfter(last)) ? other.last : last;
        }

        List<String> listedIds() {
            if (leadIds.size() <= MAX_LISTED_IDS) {
                return leadIds;
            }
            List<String> out = new ArrayList<>(leadIds.subList(0, MAX_LISTED_IDS));
            out.add("... and " + (leadIds.size() - MAX_LISTED_IDS) + " more");
            return out;
        }
    }
}
