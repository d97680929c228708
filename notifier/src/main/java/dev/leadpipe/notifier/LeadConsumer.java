package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
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
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.Lead;
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
 * What the notifier's {@link TopicFollower} does with {@code leads}: subscribes in the notifier's group, decides per
 * lead (replay, no destination, no contact, per-lead e-mail or digest), commits a partition's leads once they are
 * handled, and pauses a partition whose lead could not be mailed so it is re-read from that lead after
 * {@link Notifier#RETRY_LATER}. Before each poll it sends the digests that are due and resumes partitions whose pause
 * is over.
 */
final class LeadConsumer implements TopicFollower.Handler<String, Lead> {
    private static final Logger LOG = LoggerFactory.getLogger(LeadConsumer.class);

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final ContactMailer mailer;
    private final DigestBook digests;
    private final BooleanSupplier running;
    private final Map<TopicPartition, Long> pausedUntil = new ConcurrentHashMap<>();
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
    public void start(Consumer<String, Lead> consumer) {
        consumer.subscribe(List.of(Topics.LEADS.name()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(pausedUntil::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // positions come from the committed offsets (or earliest)
            }
        });
    }

    @Override
    public void beforePoll(Consumer<String, Lead> consumer) {
        digests.sendDue(ContactMailer.SEND_ATTEMPTS);
        resumeDuePartitions(consumer);
    }

    @Override
    public void handle(ConsumerRecords<String, Lead> records, Consumer<String, Lead> consumer) {
        for (TopicPartition tp : records.partitions()) {
            handlePartition(tp, records.records(tp), consumer);
        }
    }

    /** An unreadable lead record is not retried: its offset is committed past it. */
    @Override
    public void skipped(TopicPartition partition, long next, Consumer<String, Lead> consumer) {
        commit(consumer, partition, next);
    }

    private void handlePartition(
            TopicPartition tp, List<ConsumerRecord<String, Lead>> records, Consumer<String, Lead> consumer) {
        long next = -1;
        for (ConsumerRecord<String, Lead> record : records) {
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
                consumer.seek(tp, record.offset());
                consumer.pause(Set.of(tp));
                pausedUntil.put(tp, System.nanoTime() + Notifier.RETRY_LATER.toNanos());
                break;
            }
            next = record.offset() + 1;
            synchronized (handledMonitor) {
                handled++;
                handledMonitor.notifyAll();
            }
        }
        if (next >= 0) {
            commit(consumer, tp, next);
        }
    }

    private static void commit(Consumer<String, Lead> consumer, TopicPartition tp, long next) {
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

    private void resumeDuePartitions(Consumer<String, Lead> consumer) {
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

    private void handle(ConsumerRecord<String, Lead> record) throws ContactMailer.MailNotSent {
        if (PipelineHeaders.replayCount(record.headers()) > 0) {
            LOG.debug("lead {} is a replay, already notified: skipped", record.key());
            return;
        }
        Lead lead = record.value();
        if (lead == null || lead.offerId() == null) {
            LOG.info("lead {} names no offer: no notification", record.key());
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
        String body = LeadMessages.body(
                lead,
                clock.instant(),
                ContactMailer.deliveryType(destination),
                config.leadLookupUrl().orElse(null));
        mailer.send(NotifierMetrics.Kind.LEAD, "lead " + lead.leadId(), to, subject, body, ContactMailer.SEND_ATTEMPTS);
        LOG.info("notified {} contact(s) of offer {} of lead {}", to.size(), lead.offerId(), lead.leadId());
    }
}
