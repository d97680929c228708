package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.RoutedLead;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily-digest offers' leads since their last digest ({@link Digest}: counts, times and ids, no personal data), kept
 * in Kafka through {@link DigestStore}, and the sending of those digests: one per offer once it is due
 * ({@link NotifierConfig#digestInterval()} after its first lead, on the injected clock), or all at once.
 *
 * <ul>
 *   <li>Starts from the digests {@code notifier-digests} held at start-up, so a digest survives a restart.</li>
 *   <li>{@link #add} writes the offer's digest (the whole state) to the store; {@link #save} waits until those writes
 *       are acknowledged. The caller commits the leads' offsets only after {@link #save}: a lead counted in a digest
 *       is never lost, and one read again after a crash is recognised by its id and counted once.</li>
 *   <li>A digest is sent to the offer's contacts at sending time, one message per contact. Once sent (or dropped for
 *       want of contacts) its record is deleted (a tombstone, or the newer digest when leads arrived meanwhile). One
 *       that cannot be sent is kept, merged with any newer one, and due again {@link Notifier#RETRY_LATER} later.</li>
 * </ul>
 * A crash after a digest was sent and before its deletion was acknowledged sends it again after the restart. Leads
 * read again after a crash (saved in a digest, offsets not committed) are counted once, whether their digest is still
 * pending (its ids) or was sent at start-up before they were read again (the ids of the digest sent last).
 */
final class DigestBook {
    private static final Logger LOG = LoggerFactory.getLogger(DigestBook.class);

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final ContactMailer mailer;
    private final DigestStore store;
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    /** Per offer, the lead ids of its digest sent last by this notifier (guarded by {@code digests}). */
    private final Map<String, Set<String>> lastSent = new HashMap<>();

    private final ReentrantLock sending = new ReentrantLock();

    /** @param loaded the pending digests read from the store at start-up */
    DigestBook(
            NotifierConfig config,
            Clock clock,
            DestinationCatalog catalog,
            ContactMailer mailer,
            DigestStore store,
            Map<String, Digest> loaded) {
        this.config = config;
        this.clock = clock;
        this.catalog = catalog;
        this.mailer = mailer;
        this.store = store;
        digests.putAll(loaded);
    }

    /**
     * Counts the lead in its offer's digest (once per lead id) and writes the digest to the store. A lead of the
     * offer's digest this notifier sent last is not counted again: read again after a crash, it was in the digest
     * sent at start-up.
     */
    void add(RoutedLead lead) {
        Instant now = clock.instant();
        synchronized (digests) {
            if (lastSent.getOrDefault(lead.offerId(), Set.of()).contains(lead.leadId())) {
                LOG.debug("lead {} was in the digest of offer {} sent last", lead.leadId(), lead.offerId());
                return;
            }
            Digest d = digests.computeIfAbsent(lead.offerId(), id -> new Digest(id, now.plus(config.digestInterval())));
            if (!d.add(lead, now)) {
                LOG.debug("lead {} is already in the digest of offer {}", lead.leadId(), lead.offerId());
            }
            // written even when already counted: the earlier write may not have been acknowledged
            store.write(d.offerId, d.state());
        }
    }

    /** Waits until every digest written so far is acknowledged by Kafka. */
    void save() throws DigestStore.NotSaved {
        store.flush();
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
            if (!ready.isEmpty()) {
                try {
                    store.flush();
                } catch (DigestStore.NotSaved e) {
                    LOG.warn("a sent digest's deletion was not saved; it may be sent again after a restart");
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
            forget(d.offerId);
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
                d.count,
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
                    attempts,
                    d.served);
            LOG.info("sent the digest of offer {} ({} leads) to {} contact(s)", d.offerId, d.count, to.size());
            synchronized (digests) {
                lastSent.put(d.offerId, new HashSet<>(d.leadIds));
            }
            forget(d.offerId);
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
                store.write(d.offerId, d.state());
            }
            LOG.warn("the digest of offer {} could not be sent; it is kept and retried later", d.offerId);
            return false;
        }
    }

    /** Deletes a sent (or dropped) digest from the store, or keeps the newer one that started meanwhile. */
    private void forget(String offerId) {
        synchronized (digests) {
            Digest newer = digests.get(offerId);
            store.write(offerId, newer == null ? null : newer.state());
        }
    }
}
