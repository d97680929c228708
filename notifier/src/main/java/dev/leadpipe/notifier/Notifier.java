package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaMeters;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.ServiceProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E-mails each offer's contacts about its new leads, without any customer personal data.
 *
 * <p>The parts: a {@link TopicFollower} runs {@link LeadConsumer} on {@code leads-routed}, {@link DigestBook} holds and
 * sends the digests (kept on {@code notifier-digests} by {@link DigestStore}), {@link ContactMailer} sends each e-mail.
 *
 * <p>Contract:
 * <ul>
 *   <li>Consumes {@code leads-routed} (what the router did with each lead past its duplicate filter: a resubmitted
 *       duplicate is not on it, so it is notified once) in the consumer group {@link NotifierConfig#groupId()} (from
 *       the earliest offset when the group has none) and commits a lead's offset only after its e-mails were accepted
 *       by the SMTP relay (or refused for good, or it needed none) and the digest it was added to is saved, so a crash
 *       re-sends a notification rather than losing it: at-least-once. A stop or a rebalance finishes and commits the
 *       e-mails under way first, so neither sends an e-mail twice.</li>
 *   <li>Per-lead e-mails go out over {@link NotifierConfig#smtpConnections()} kept-open SMTP connections, from as many
 *       sender threads working through each poll's leads in parallel ({@link LeadConsumer}, {@link MailSender}); a
 *       partition is committed up to its lowest lead not done.</li>
 *   <li>Records with a replay count above 0 are skipped: the lead was notified before.</li>
 *   <li>The offer's destination is looked up in a {@link DestinationCatalog} when the lead is handled, so a change of
 *       contacts applies to the next lead the catalog has seen it for. No destination or no valid contact: nothing
 *       is sent.</li>
 *   <li>{@link NotificationMode#PER_LEAD}: one e-mail per lead and contact, each message addressed to that contact
 *       only. {@link NotificationMode#DAILY_DIGEST}: leads are summed up per offer, the sum kept on
 *       {@code notifier-digests} and read back at start-up, and one digest per offer is sent every
 *       {@link NotifierConfig#digestInterval()} (measured on the injected {@link Clock}) or on {@link #flushDigests()}.</li>
 *   <li>A contact the relay refuses for good (5xx to RCPT) is counted and skipped, never retried. Any other failed send
 *       is retried {@value ContactMailer#SEND_ATTEMPTS} times with capped backoff; then the lead's partition is paused
 *       and re-read from that lead after {@link #RETRY_LATER}, mailing only the contacts not served yet. Logs name lead
 *       ids, offer ids, masked addresses and exception classes only, never an address in full or an SMTP error
 *       message.</li>
 *   <li>Operations ({@link #start(NotifierConfig, Ops)}): the counter {@code leadpipe.notifier.emails} (tags
 *       {@code kind} lead/digest, {@code result} sent/failed/refused) on {@code ops.registry()}, and the readiness
 *       checks {@code kafka} (the cluster answers) and {@code consumer} (the consuming thread runs and polled within
 *       {@link #POLL_STALE}).</li>
 * </ul>
 */
public final class Notifier implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** How long a partition waits after a lead's e-mail could not be sent before that lead is tried again. */
    static final Duration RETRY_LATER = Duration.ofSeconds(15);

    private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DIGEST_LOAD_TIMEOUT = Duration.ofSeconds(60);
    /** The consumer is reported not ready when its last poll is older than this (sending a batch's e-mails included). */
    static final Duration POLL_STALE = Duration.ofMinutes(2);
    /**
     * At most this many lead records per poll: the sender threads work through them in parallel, and the poll's
     * offsets are committed once they are done.
     */
    static final int MAX_POLL_RECORDS = 500;
    /** The {@code service} tag of the notifier's meters. */
    public static final String SERVICE = "notifier";

    private final DestinationCatalog catalog;
    private final KafkaReachability kafka;
    private final DigestStore digestStore;
    private final DigestBook digests;
    private final LeadConsumer leads;
    private final MailSender sender;
    private final TopicFollower<String, RoutedLead> follower;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Notifier(
            NotifierConfig config,
            Clock clock,
            DestinationCatalog catalog,
            NotifierMetrics metrics,
            KafkaReachability kafka,
            DigestStore digestStore,
            Map<String, Digest> pendingDigests) {
        this.catalog = catalog;
        this.kafka = kafka;
        this.digestStore = digestStore;
        this.sender = new MailSender(config, clock);
        ContactMailer mailer = new ContactMailer(sender, metrics, () -> !closed.get());
        this.digests = new DigestBook(config, clock, catalog, mailer, digestStore, pendingDigests);
        this.leads = new LeadConsumer(config, clock, catalog, mailer, digests, () -> !closed.get());
        Map<String, Object> props = TopicFollower.config(
                config.kafka(),
                "leadpipe-notifier-" + UUID.randomUUID(),
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        config.groupId(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        MAX_POLL_RECORDS,
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                        (int) Duration.ofMinutes(10).toMillis()));
        this.follower = new TopicFollower<>(
                "notifier",
                props,
                Topics.LEADS_ROUTED.keySerde().deserializer(),
                Topics.LEADS_ROUTED.valueSerde().deserializer(),
                leads,
                TopicFollower.OnPollFailure.STOP);
    }

    /** Starts with the system clock. */
    public static Notifier start(NotifierConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Ensures and checks the pipeline's topics ({@link TopicPolicy}), reads the destinations topic until caught up and
     * the pending digests from {@code notifier-digests}, then starts consuming {@code leads-routed} in the background.
     *
     * @param clock the clock that times the digests and dates the e-mails
     */
    public static Notifier start(NotifierConfig config, Clock clock) {
        return start(config, clock, new NotifierMetrics(new SimpleMeterRegistry()), null, null);
    }

    /** {@link #start(NotifierConfig, Clock, Ops)} with the system clock. */
    public static Notifier start(NotifierConfig config, Ops ops) {
        return start(config, Clock.systemUTC(), ops);
    }

    /**
     * {@link #start(NotifierConfig, Clock)}, reporting to {@code ops}: the e-mail counter is registered on
     * {@code ops.registry()} and {@code ops.readiness()} gains the checks {@code kafka} and {@code consumer}.
     * {@link #close()} closes the Kafka check; the caller closes {@code ops}.
     */
    public static Notifier start(NotifierConfig config, Clock clock, Ops ops) {
        KafkaReachability kafka = new KafkaReachability(config.kafka());
        AtomicReference<Notifier> created = new AtomicReference<>();
        ops.readiness().add("kafka", kafka).add("consumer", () -> {
            Notifier n = created.get();
            return n == null ? "the consumer is not started yet" : n.consumerProblem();
        });
        try {
            return start(config, clock, new NotifierMetrics(ops.registry()), kafka, created);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static Notifier start(
            NotifierConfig config,
            Clock clock,
            NotifierMetrics metrics,
            KafkaReachability kafka,
            AtomicReference<Notifier> created) {
        TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
        KafkaMeters kafkaMeters = KafkaMeters.on(metrics.registry());
        DestinationCatalog catalog =
                DestinationCatalog.start(config.kafka(), CATALOG_TIMEOUT).bindMeters(kafkaMeters);
        Notifier notifier;
        DigestStore store = null;
        try {
            Map<String, Digest> pending = DigestStore.load(config.kafka(), DIGEST_LOAD_TIMEOUT);
            if (!pending.isEmpty()) {
                LOG.info("{} pending digest(s) read back from {}", pending.size(), Topics.NOTIFIER_DIGESTS.name());
            }
            store = new DigestStore(config.kafka());
            notifier = new Notifier(config, clock, catalog, metrics, kafka, store, pending);
            notifier.follower.bindMeters(kafkaMeters);
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            catalog.close();
            throw e;
        }
        if (created != null) {
            created.set(notifier);
        }
        notifier.follower.start();
        LOG.info("notifier started: {}", config);
        return notifier;
    }

    /** Null when the consuming thread runs and polled within {@link #POLL_STALE}, else why not. */
    String consumerProblem() {
        return follower.problem(POLL_STALE);
    }

    /** Why the notifier stopped by itself (its consumer failed for good), in one line; null when it did not fail. */
    @Override
    public String failure() {
        RuntimeException f = follower.failure();
        return f == null ? null : "the notifier stopped after an unrecoverable error: " + SafeErrors.describe(f);
    }

    /** Waits until the consuming thread stopped (after {@link #close()} or an unrecoverable error). */
    @Override
    public void awaitTermination() throws InterruptedException {
        follower.awaitStopped();
    }

    /** How many lead records were handled (notified, summed into a digest, or skipped) and committed or about to be. */
    public long leadsHandled() {
        return leads.handled();
    }

    /** Waits until at least {@code count} lead records were handled; false on timeout. */
    boolean awaitLeadsHandled(long count, Duration timeout) throws InterruptedException {
        return leads.awaitHandled(count, timeout);
    }

    /** Waits until this notifier's catalog shows a destination for the offer that matches; false on timeout. */
    boolean awaitDestination(String offerId, Predicate<LeadDestination> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<LeadDestination> d = catalog.get(offerId);
            if (d.isPresent() && matches.test(d.get())) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return false;
    }

    /** How many offers have a digest waiting. */
    public int pendingDigests() {
        return digests.pending();
    }

    /**
     * Sends every waiting digest now, whatever its time. A digest whose e-mail cannot be sent stays waiting.
     *
     * @return how many digests were handed to SMTP
     */
    public int flushDigests() {
        return digests.sendAll(ContactMailer.SEND_ATTEMPTS);
    }

    /**
     * Stops consuming (the leads handled are committed, their digests saved first) and stops following the
     * destinations. The waiting digests stay on {@code notifier-digests}: the next notifier sends them at their time.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        follower.close();
        leads.close();
        sender.close();
        digestStore.close();
        catalog.close();
        if (kafka != null) {
            kafka.close();
        }
        LOG.info("notifier stopped");
    }
}
