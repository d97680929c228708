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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * lead on the consumer thread (replay, no destination, no contact, per-lead e-mails or digest), and hands each poll's
 * per-lead e-mails to {@link NotifierConfig#smtpConnections()} sender threads ({@link SendBatch}), which send them in
 * parallel, each over a kept-open SMTP connection ({@link MailSender}). Once the poll's e-mails are done it commits,
 * per partition, the offset of the lowest record not handled (or past the last), after saving the digests the leads
 * were added to ({@link DigestBook#save}); so a lead's offset is committed only once its e-mails were all sent.
 *
 * <p>A lead whose e-mail could not be sent to some contact for a reason that may pass (relay down, 4xx after
 * {@value ContactMailer#SEND_ATTEMPTS} attempts) stops its partition's e-mails not yet started and pauses the
 * partition, which is re-read from that lead after {@link Notifier#RETRY_LATER}; the contacts already served of that
 * lead and of the partition's later leads are remembered and not mailed again. Other partitions' e-mails go on. A
 * contact the relay refuses for good is skipped ({@link ContactMailer}) and holds nothing up. Before each poll it sends
 * the digests that are due, resumes partitions whose pause is over and closes idle SMTP connections.
 */
final class LeadConsumer implements TopicFollower.Handler<String, RoutedLead> {
    private static final Logger LOG = LoggerFactory.getLogger(LeadConsumer.class);

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final ContactMailer mailer;
    private final DigestBook digests;
    private final BooleanSupplier running;
    private final ExecutorService senders;
    private final Map<TopicPartition, Long> pausedUntil = new ConcurrentHashMap<>();
    /**
     * Per lead id read but not committed yet: the contacts already served (the map on the consumer thread only; each
     * set filled by a sender thread while the consumer thread waits).
     */
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
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(
                config.smtpConnections(),
                r -> Thread.ofPlatform()
                        .name("notifier-sender-" + threads.incrementAndGet())
                        .daemon()
                        .unstarted(r));
    }

    /** Stops the sender threads; after the consumer stopped. */
    void close() {
        senders.shutdownNow();
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
        mailer.sender().closeIdle();
    }

    @Override
    public void handle(ConsumerRecords<String, RoutedLead> records, Consumer<String, RoutedLead> consumer) {
        if (records.isEmpty()) {
            return;
        }
        SendBatch batch = new SendBatch(mailer, senders, running);
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, RoutedLead> record : records.records(tp)) {
                if (!running.getAsBoolean()) {
                    break;
                }
                batch.add(tp, record, decide(record));
            }
        }
        batch.awaitMails();
        finish(batch, consumer);
    }

    /**
     * Commits, per partition, the offset of the batch's lowest record not handled (or past its last), once the
     * digests are saved; pauses a partition with a lead whose e-mail could not be sent, to re-read it from that lead.
     * The contacts served of leads at or beyond a partition's commit point are kept, so a re-read mails only the rest.
     */
    private void finish(SendBatch batch, Consumer<String, RoutedLead> consumer) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        Map<TopicPartition, Long> retry = new HashMap<>();
        long done = 0;
        for (Map.Entry<TopicPartition, List<SendBatch.Item>> e :
                batch.byPartition().entrySet()) {
            List<SendBatch.Item> items = e.getValue();
            int handledUpTo = 0;
            while (handledUpTo < items.size() && items.get(handledUpTo).handled()) {
                handledUpTo++;
            }
            if (handledUpTo > 0) {
                long next = handledUpTo < items.size()
                        ? items.get(handledUpTo).record().offset()
                        : items.get(handledUpTo - 1).record().offset() + 1;
                commits.put(e.getKey(), new OffsetAndMetadata(next));
                done += handledUpTo;
            }
            if (handledUpTo < items.size() && batch.failed(e.getKey())) {
                SendBatch.Item first = items.get(handledUpTo);
                LOG.warn(
                        "the notification of lead {} could not be sent; partition {} retries in {}",
                        first.record().key(),
                        e.getKey(),
                        Notifier.RETRY_LATER);
                retry.put(e.getKey(), first.record().offset());
            }
        }
        if (!commits.isEmpty()) {
            try {
                digests.save();
            } catch (DigestStore.NotSaved e) {
                LOG.warn(
                        "the digests of the leads just read were not saved; their partitions retry in {}",
                        Notifier.RETRY_LATER);
                for (TopicPartition tp : commits.keySet()) {
                    retry.put(tp, batch.byPartition().get(tp).get(0).record().offset());
                }
                retry.forEach((tp, offset) -> pause(consumer, tp, offset));
                return;
            }
            commit(consumer, commits);
            forgetServed(batch, commits);
            synchronized (handledMonitor) {
                handled += done;
                handledMonitor.notifyAll();
            }
        }
        retry.forEach((tp, offset) -> pause(consumer, tp, offset));
    }

    /** Forgets the contacts served of the leads now committed (not of a lead id also read beyond a commit point). */
    private void forgetServed(SendBatch batch, Map<TopicPartition, OffsetAndMetadata> commits) {
        Set<String> committed = new HashSet<>();
        Set<String> kept = new HashSet<>();
        for (Map.Entry<TopicPartition, List<SendBatch.Item>> e :
                batch.byPartition().entrySet()) {
            OffsetAndMetadata c = commits.get(e.getKey());
            long next = c == null ? Long.MIN_VALUE : c.offset();
            for (SendBatch.Item item : e.getValue()) {
                if (item.record().key() != null) {
                    (item.record().offset() < next ? committed : kept)
                            .add(item.record().key());
                }
            }
        }
        committed.removeAll(kept);
        committed.forEach(served::remove);
    }

    /** An unreadable lead record is not retried: its offset is committed past it. */
    @Override
    public void skipped(TopicPartition partition, long next, Consumer<String, RoutedLead> consumer) {
        commit(consumer, Map.of(partition, new OffsetAndMetadata(next)));
    }

    /** Re-reads the partition from {@code offset} after {@link Notifier#RETRY_LATER}. */
    private void pause(Consumer<String, RoutedLead> consumer, TopicPartition tp, long offset) {
        consumer.seek(tp, offset);
        consumer.pause(Set.of(tp));
        pausedUntil.put(tp, System.nanoTime() + Notifier.RETRY_LATER.toNanos());
    }

    private static void commit(Consumer<String, RoutedLead> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                // woken to stop: what was handled is committed all the same, so the next notifier does not send it
                // again
                consumer.commitSync(offsets);
                throw e;
            }
        } catch (CommitFailedException e) {
            LOG.warn("committing {} failed after a rebalance; their leads may be notified again", offsets.keySet());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn(
                    "committing {} failed; their leads may be notified again: {}",
                    offsets.keySet(),
                    SafeErrors.describe(e));
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

    /**
     * What a lead record calls for: null when nothing is to be sent for it now (no notification, or summed into its
     * offer's digest), else its per-lead e-mails. Consumer thread only.
     */
    private SendBatch.Mail decide(ConsumerRecord<String, RoutedLead> record) {
        RoutedLead lead = record.value();
        if (lead == null) {
            LOG.info("lead {} has no routing record: no notification", record.key());
            return null;
        }
        if (lead.replayCount() > 0) {
            LOG.debug("lead {} is a replay, already notified: skipped", lead.leadId());
            return null;
        }
        Optional<LeadDestination> found = catalog.get(lead.offerId());
        if (found.isEmpty()) {
            LOG.info(
                    "lead {}: offer {} has no destination, so no contacts: no notification",
                    lead.leadId(),
                    lead.offerId());
            return null;
        }
        LeadDestination destination = found.get();
        List<InternetAddress> to = ContactMailer.contacts(destination);
        if (to.isEmpty()) {
            LOG.info("lead {}: offer {} has no valid contact e-mail: no notification", lead.leadId(), lead.offerId());
            return null;
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
            return null;
        }
        String subject = LeadMessages.subject(lead);
        String body =
                LeadMessages.body(lead, clock.instant(), config.leadLookupUrl().orElse(null));
        Set<String> already = served.computeIfAbsent(lead.leadId(), id -> ConcurrentHashMap.newKeySet());
        return new SendBatch.Mail(
                lead.leadId(), "lead " + lead.leadId() + " of offer " + lead.offerId(), to, subject, body, already);
    }
}
