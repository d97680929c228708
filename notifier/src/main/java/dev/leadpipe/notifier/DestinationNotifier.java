package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaMeters;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.ServiceProcess;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an offer's contacts when its destination breaks, and when it works again (docs/notifications.md, "When a
 * destination fails"). Runs in the notifier process next to the lead notifications, on its own consumer and state.
 *
 * <p>Contract:
 * <ul>
 *   <li>At start it reads every offer's {@link DestinationNotice} from {@code destination-notices} and the
 *       destinations (for the contacts), then follows {@code lead-outcomes} and {@code lead-waiting} in the consumer
 *       group {@code <NOTIFIER_GROUP_ID>-destination-notices} (from the earliest offset when the group has none;
 *       records more than a day old are ignored).</li>
 *   <li>What counts as failing and working, and when a notice is owed: {@link DestinationNoticeRules}; a failing
 *       destination's contacts get one failure notice (at most one per offer per day), and one recovery notice once it
 *       takes a lead again. Each contact gets its own message, with only its own address.</li>
 *   <li>Offsets are committed only after every state change worth keeping was acknowledged on
 *       {@code destination-notices}, and a notice is stored as sent only after the relay took every contact's message:
 *       a restart neither repeats a stored notice nor forgets an owed one. Owed notices are re-checked before every
 *       poll on the injected {@link Clock}, so a deferred one goes out when its day is over.</li>
 *   <li>Operations: the counter {@value DestinationNoticeMailer#NOTICES}; the readiness check
 *       {@code destination-notices} (the consumer runs and polled within {@link Notifier#POLL_STALE}).</li>
 * </ul>
 * Run one notifier: the state is per process, and two would each send the notices of the leads they read.
 */
public final class DestinationNotifier implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationNotifier.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The consumer is reported not ready when its last poll is older than this (sending notices included). */
    static final Duration POLL_STALE = Duration.ofMinutes(2);
    /** The suffix of its consumer group after {@code NOTIFIER_GROUP_ID}. */
    public static final String GROUP_SUFFIX = "-destination-notices";

    private final DestinationCatalog catalog;
    private final DestinationNoticeStore store;
    private final DestinationNoticeBook book;
    /** One SMTP connection, kept open between notices and closed once idle. */
    private final MailSender sender;

    private final TopicFollower<String, byte[]> follower;
    private final AtomicLong committed = new AtomicLong();

    private DestinationNotifier(
            NotifierConfig config, Clock clock, MeterRegistry registry, DestinationCatalog catalog) {
        this.catalog = catalog;
        Map<String, DestinationNotice> loaded = DestinationNoticeStore.load(config.kafka(), START_TIMEOUT);
        this.store = new DestinationNoticeStore(config.kafka());
        this.sender = new MailSender(config, clock, 1);
        DestinationNoticeMailer mailer = new DestinationNoticeMailer(sender, registry);
        this.book = new DestinationNoticeBook(
                clock, config.brokenAfter(), config.retryWindow(), catalog, mailer, store::write, loaded);
        Map<String, Object> props = TopicFollower.config(
                config.kafka(),
                "leadpipe-notifier-notices-" + UUID.randomUUID(),
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        config.groupId() + GROUP_SUFFIX,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        500,
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                        (int) Duration.ofMinutes(10).toMillis()));
        this.follower = new TopicFollower<>(
                "destination notices",
                props,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                new Reader(),
                TopicFollower.OnPollFailure.RETRY);
    }

    /** Starts with the system clock, reporting to {@code ops}. */
    public static DestinationNotifier start(NotifierConfig config, Ops ops) {
        return start(config, Clock.systemUTC(), ops);
    }

    /**
     * Starts following, reporting to {@code ops}: its counter on {@code ops.registry()}, the readiness check
     * {@code destination-notices}. Ensures and checks the pipeline's topics first ({@link TopicPolicy}).
     *
     * @param clock decides what is news, when a day has passed, and dates the notices and e-mails
     */
    public static DestinationNotifier start(NotifierConfig config, Clock clock, Ops ops) {
        TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
        KafkaClientMeters meters = KafkaMeters.on(ops.registry());
        DestinationCatalog catalog =
                DestinationCatalog.start(config.kafka(), START_TIMEOUT).bindMeters(meters);
        DestinationNotifier n;
        try {
            n = new DestinationNotifier(config, clock, ops.registry(), catalog);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        n.store.bindMeters(meters);
        n.follower.bindMeters(meters);
        ops.readiness().add("destination-notices", n::problem);
        n.follower.start();
        LOG.info("destination notices started");
        return n;
    }

    /** Null when the consumer runs and polled lately, else why not. */
    String problem() {
        return follower.problem(POLL_STALE);
    }

    /** The consumer of outcomes and waiting leads, on the follower's thread. */
    private final class Reader implements TopicFollower.Handler<String, byte[]> {
        private long uncommitted;

        @Override
        public void start(Consumer<String, byte[]> consumer) {
            consumer.subscribe(List.of(Topics.LEAD_OUTCOMES.name(), Topics.LEAD_WAITING.name()));
        }

        @Override
        public void beforePoll(Consumer<String, byte[]> consumer) {
            book.settle();
            sender.closeIdle();
        }

        @Override
        public void handle(ConsumerRecords<String, byte[]> records, Consumer<String, byte[]> consumer) {
            if (records.isEmpty()) {
                return;
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                read(r);
            }
            uncommitted += records.count();
            if (!book.settle()) {
                return; // not stored: not committed, so a restart reads these again
            }
            try {
                consumer.commitSync();
                committed.addAndGet(uncommitted);
                uncommitted = 0;
            } catch (CommitFailedException e) {
                LOG.warn("committing the destination-notice consumer failed after a rebalance; records are re-read");
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warn("committing the destination-notice consumer failed: {}", SafeErrors.describe(e));
            }
        }
    }

    private void read(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a lead-waiting tombstone: its outcome tells
        }
        try {
            if (Topics.LEAD_OUTCOMES.name().equals(r.topic())) {
                book.outcome(Topics.LEAD_OUTCOMES.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } else {
                book.waiting(Topics.LEAD_WAITING.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "skipping an unreadable record of lead {} on {} at {}/{}",
                    r.key(),
                    r.topic(),
                    r.partition(),
                    r.offset());
        }
    }

    /** How many records of {@code lead-outcomes} and {@code lead-waiting} were taken into account and committed. */
    long recordsCommitted() {
        return committed.get();
    }

    /** Why it stopped by itself, or null. */
    @Override
    public String failure() {
        RuntimeException f = follower.failure();
        return f == null
                ? null
                : "the destination notices stopped after an unrecoverable error: " + SafeErrors.describe(f);
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        follower.awaitStopped();
    }

    @Override
    public void close() {
        follower.close();
        sender.close();
        store.close();
        catalog.close();
    }
}
