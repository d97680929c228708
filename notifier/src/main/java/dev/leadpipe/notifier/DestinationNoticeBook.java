package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every offer's destination state ({@link DestinationNotice}), kept up to date from the outcomes and waiting leads
 * read, and the notices it owes ({@link DestinationNoticeRules}), sent through {@link DestinationNoticeMailer} to the
 * offer's contacts of the moment ({@link DestinationCatalog}). Used from one thread only.
 *
 * <p>{@link #settle()} sends what is due and writes each offer whose state changed in a way worth keeping to
 * {@code destination-notices} through {@code write}; the caller commits what it read only when it returns true, so a
 * crash re-reads the records whose effect was not yet stored (applying one twice changes nothing). A notice is recorded
 * as sent only once every contact has it (or was refused for good); until then the contacts that have it are
 * remembered, so a relay that fails part-way does not send them a second copy (unless the notifier restarts
 * meanwhile: at least once).
 */
final class DestinationNoticeBook {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationNoticeBook.class);
    /** How long a notice the relay did not take waits before it is tried again. */
    static final Duration RETRY_LATER = Duration.ofSeconds(15);

    private final Clock clock;
    private final Duration brokenAfter;
    private final Duration retryWindow;
    private final DestinationCatalog catalog;
    private final DestinationNoticeMailer mailer;
    private final Consumer<DestinationNotice> write;
    private final Map<String, DestinationNotice> current;
    private final Map<String, DestinationNotice> stored;
    private final Map<String, Set<String>> contactsDone = new HashMap<>();
    private final Map<String, Instant> retryAt = new HashMap<>();

    /** @param loaded every offer's notice as {@code destination-notices} holds it */
    DestinationNoticeBook(
            Clock clock,
            Duration brokenAfter,
            Duration retryWindow,
            DestinationCatalog catalog,
            DestinationNoticeMailer mailer,
            Consumer<DestinationNotice> write,
            Map<String, DestinationNotice> loaded) {
        this.clock = clock;
        this.brokenAfter = brokenAfter;
        this.retryWindow = retryWindow;
        this.catalog = catalog;
        this.mailer = mailer;
        this.write = write;
        this.current = new HashMap<>(loaded);
        this.stored = new HashMap<>(loaded);
    }

    /** Takes a lead's outcome into account. */
    void outcome(Outcome o) {
        DestinationNoticeRules.Failure f = DestinationNoticeRules.failure(o);
        if (f != null) {
            failure(f);
        } else if (DestinationNoticeRules.working(o) && DestinationNoticeRules.isNews(o.at(), clock.instant())) {
            DestinationNotice now = DestinationNoticeRules.onWorking(current.get(o.offerId()), o.at());
            if (now != null) {
                current.put(o.offerId(), now);
            }
        }
    }

    /** Takes a waiting lead's record into account. */
    void waiting(WaitingLead w) {
        DestinationNoticeRules.Failure f = DestinationNoticeRules.failure(w, brokenAfter);
        if (f != null) {
            failure(f);
        }
    }

    private void failure(DestinationNoticeRules.Failure f) {
        if (DestinationNoticeRules.isNews(f.at(), clock.instant())) {
            current.put(f.offerId(), DestinationNoticeRules.onFailure(current.get(f.offerId()), f));
        }
    }

    /** The offer's current state, if it was ever seen failing. */
    Optional<DestinationNotice> get(String offerId) {
        return Optional.ofNullable(current.get(offerId));
    }

    /**
     * Sends every notice due now and stores every state worth keeping.
     *
     * @return true when everything is stored (what was read may be committed)
     */
    boolean settle() {
        Instant now = clock.instant();
        for (String offerId : List.copyOf(current.keySet())) {
            DestinationNotice n = current.get(offerId);
            Instant retry = retryAt.get(offerId);
            if (retry != null && now.isBefore(retry)) {
                continue;
            }
            if (DestinationNoticeRules.recoveryNoticeDue(n)) {
                n = notify(n, DestinationNoticeMailer.Kind.RECOVERY, now);
            } else if (DestinationNoticeRules.failureNoticeDue(n, now)) {
                n = notify(n, DestinationNoticeMailer.Kind.FAILURE, now);
            }
            current.put(offerId, n);
        }
        boolean all = true;
        for (DestinationNotice n : current.values()) {
            if (DestinationNoticeRules.worthStoring(stored.get(n.offerId()), n)) {
                all &= store(DestinationNoticeRules.writtenAt(n, now));
            }
        }
        return all;
    }

    private DestinationNotice notify(DestinationNotice n, DestinationNoticeMailer.Kind kind, Instant now) {
        boolean failure = kind == DestinationNoticeMailer.Kind.FAILURE;
        Optional<LeadDestination> destination = catalog.get(n.offerId());
        List<InternetAddress> contacts =
                destination.map(d -> addresses(d.contactEmails())).orElse(List.of());
        if (contacts.isEmpty()) {
            LOG.info(
                    "offer {} has no valid contact e-mail: its {} notice is recorded, not sent",
                    n.offerId(),
                    kind.tag());
        } else {
            String subject = failure
                    ? DestinationNoticeMessages.failureSubject(n)
                    : DestinationNoticeMessages.recoverySubject(n);
            String body = failure
                    ? DestinationNoticeMessages.failureBody(n, retryWindow)
                    : DestinationNoticeMessages.recoveryBody(n);
            String pending = n.offerId() + "/" + kind.tag();
            Set<String> done = contactsDone.computeIfAbsent(pending, k -> new HashSet<>());
            if (!mailer.send(kind, n.offerId(), contacts, subject, body, done)) {
                retryAt.put(n.offerId(), now.plus(RETRY_LATER));
                return n;
            }
            contactsDone.remove(pending);
            LOG.info(
                    "sent the {} notice of offer {} ({}) to {} contact(s)",
                    kind.tag(),
                    n.offerId(),
                    n.errorClass().code(),
                    contacts.size());
        }
        retryAt.remove(n.offerId());
        return failure ? DestinationNoticeRules.failureNoticed(n, now) : DestinationNoticeRules.recoveryNoticed(n, now);
    }

    /** The entries that parse as single e-mail addresses (the others are dropped, never logged). */
    static List<InternetAddress> addresses(List<String> contacts) {
        List<InternetAddress> out = new ArrayList<>();
        for (String c : contacts == null ? List.<String>of() : contacts) {
            try {
                InternetAddress a = new InternetAddress(c == null ? "" : c.strip(), true);
                if (!a.isGroup() && a.getAddress() != null && !a.getAddress().isBlank()) {
                    out.add(a);
                }
            } catch (AddressException e) {
                // not an address
            }
        }
        return out;
    }

    private boolean store(DestinationNotice n) {
        try {
            write.accept(n);
            stored.put(n.offerId(), n);
            current.put(n.offerId(), n);
            return true;
        } catch (KafkaException e) {
            LOG.warn("storing the destination notice of offer {} failed: {}", n.offerId(), SafeErrors.describe(e));
            return false;
        }
    }
}
