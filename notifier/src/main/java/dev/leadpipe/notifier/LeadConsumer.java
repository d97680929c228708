package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import jakarta.mail.internet.InternetAddress;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the notifier's {@link TopicFollower} does with {@code leads-routed} (what the router did with each lead past
 * its duplicate filter, so a resubmitted duplicate is never seen here): subscribes in the notifier's group, decides per
 * lead (replay, no destination, no contact, per-lead e-mails or digest), and commits a partition's leads once they are
 * handled and the digests they were added to are saved ({@link DigestBook#save}). A lead whose e-mail could not be
 * sent to some contact for a reason that may pass (relay down) pauses its partition, which is re-read from that lead
 * after {@link Notifier#RETRY_LATER}; the contacts already served are remembered and not mailed again. A contact the
 * relay refuses for good is skipped ({@link ContactMailer}) and holds nothing up. Before each poll it sends the digests
 * that are due and resumes partitions whose pause is over.
 */
final class LeadConsumer implements TopicFollower.Handler<String, RoutedLead> {
    private static final Logger LOG = LoggerFactory.getLogger(LeadConsumer.class);

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final ContactMailer mailer;
    private final DigestBook digests;
    private final BooleanSupplier running;
    private final Map<TopicPartition, Long> pausedUntil = new ConcurrentHashMap<>();
    /** Per lead id whose e-mail is still owed to some contact: the contacts already served (consumer thread only). */
    private final Map<String, Set<String>> served = new HashMap<>();

    private final Object handledMonitor = new Object();
    private long handled;

    /** @param running false once the notifier stops: the rest of a batch is left for the next consumer */
    LeadConsumer(
            NotifierConfig config,
            Clock clock,
            DestinationCatalog catalog,
            ContactMailer mailer,
            DigestBook digests,
            BooleanSupplier running) {
        this.config = config;
        this.clock = clock;
        this.catalog = catalog;
        this.mailer = mailer;
        this.digests = digests;
        this.running = running;
    }

    /** How many lead records were handled (notified, summed into a digest, or skipped) and committed or about to be. */
    long handled() {
        synchronized (handledMonitor) {
            return handled;
        }
    }

    /** Waits until at least {@code count} lead records were handled; false on timeout. */
    boolean awaitHandled(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (handledMonitor) {
            while (handled < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(handledMonitor, left);
            }
            return true;
        }
    }

    @Override
    public void start(Consumer<String, RoutedLead> consumer) {
        consumer.subscribe(List.of(Topics.LEADS_ROUTED.name()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(pausedUntil::remove);
                served.clear();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // positions come from the committed offsets (or earliest)
            }
        });
    }

    @Override
    public void beforePoll(Consumer<String, RoutedLead> consumer) {
        digests.sendDue(ContactMailer.SEND_ATTEMPTS);
        resumeDuePartitions(consumer);
    }

    @Override
    public void handle(ConsumerRecords<String, RoutedLead> records, Consumer<String, RoutedLead> consumer) {
        for (TopicPartition tp : records.partitions()) {
            handlePartition(tp, records.records(tp), consumer);
        }
    }

    /** An unreadable lead record is not retried: its offset is committed past it. */
    @Override
    public void skipped(TopicPartition partition, long next, Consumer<String, RoutedLead> consumer) {
        commit(consumer, partition, next);
    }

    private void handlePartition(
            TopicPartition tp,
            List<ConsumerRecord<String, RoutedLead>> records,
            Consumer<String, RoutedLead> consumer) {
        long next = -1;
        int done = 0;
        for (ConsumerRecord<String, RoutedLead> record : records) {
            if (!running.getAsBoolean()) {
                break;
            }
            try {
                handle(record);
            } catch (ContactMailer.MailNotSent e) {
                LOG.warn(
                        "the notification of lead {} could not be sent; partition {} retries in {}",
                        record.key(),
                        tp,
                        Notifier.RETRY_LATER);
                pause(consumer, tp, record.offset());
                break;
            }
            next = record.offset() + 1;
            done++;
        }
        if (next < 0) {
            return;
        }
        try {
            digests.save();
        } catch (DigestStore.NotSaved e) {
            LOG.warn(
                    "the digests of partition {}'s leads were not saved; partition {} retries in {}",
                    tp,
                    tp,
                    Notifier.RETRY_LATER);
            pause(consumer, tp, records.get(0).offset());
            return;
        }
        commit(consumer, tp, next);
        synchronized (handledMonitor) {
            handled += done;
            handledMonitor.notifyAll();
        }
    }

    /** Re-reads the partition from {@code offset} after {@link Notifier#RETRY_LATER}. */
    private void pause(Consumer<String, RoutedLead> consumer, TopicPartition tp, long offset) {
        consumer.seek(tp, offset);
        consumer.pause(Set.of(tp));
        pausedUntil.put(tp, System.nanoTime() + Notifier.RETRY_LATER.toNanos());
    }

    private static void commit(Consumer<String, RoutedLead> consumer, TopicPartition tp, long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
        } catch (CommitFailedException e) {
            LOG.warn("committing {} failed after a rebalance; its leads may be notified again", tp);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("committing {} failed; its leads may be notified again: {}", tp, SafeErrors.describe(e));
        }
    }

    private void resumeDuePartitions(Consumer<String, RoutedLead> consumer) {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<TopicPartition, Long>> it =
                        pausedUntil.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<TopicPartition, Long> e = it.next();
            if (now - e.getValue() >= 0) {
                it.remove();
                if (consumer.assignment().contains(e.getKey())) {
                    consumer.resume(Set.of(e.getKey()));
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, RoutedLead> record) throws ContactMailer.MailNotSent {
        RoutedLead lead = record.value();
        if (lead == null) {
            LOG.info("lead {} has no routing record: no notification", record.key());
            return;
        }
        if (lead.replayCount() > 0) {
            LOG.debug("lead {} is a replay, already notified: skipped", lead.leadId());
            return;
        }
        Optional<LeadDestination> found = catalog.get(lead.offerId());
        if (found.isEmpty()) {
            LOG.info(
                    "lead {}: offer {} has no destination, so no contacts: no notification",
                    lead.leadId(),
                    lead.offerId());
            return;
        }
        LeadDestination destination = found.get();
        List<InternetAddress> to = ContactMailer.contacts(destination);
        if (to.isEmpty()) {
            LOG.info("lead {}: offer {} has no valid contact e-mail: no notification", lead.leadId(), lead.offerId());
            return;
        }
        if (to.size() < destination.contactEmails().size()) {
            LOG.warn(
                    "offer {} has {} contact e-mails that are not valid addresses; they are skipped",
                    lead.offerId(),
                    destination.contactEmails().size() - to.size());
        }
        if (destination.notifications() == NotificationMode.DAILY_DIGEST) {
            digests.add(lead);
            LOG.debug("lead {} of offer {} added to the offer's digest", lead.leadId(), lead.offerId());
            return;
        }
        String subject = LeadMessages.subject(lead);
        String body =
                LeadMessages.body(lead, clock.instant(), config.leadLookupUrl().orElse(null));
        Set<String> already = served.computeIfAbsent(lead.leadId(), id -> new HashSet<>());
        mailer.send(
                NotifierMetrics.Kind.LEAD,
                "lead " + lead.leadId() + " of offer " + lead.offerId(),
                to,
                subject,
                body,
                ContactMailer.SEND_ATTEMPTS,
                already);
        served.remove(lead.leadId());
        LOG.info("notified {} contact(s) of offer {} of lead {}", to.size(), lead.offerId(), lead.leadId());
    }
}
