package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.ServiceProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * E-mails each offer's contacts about its new leads, without any customer personal data.
 *
 * <p>Contract:
 * <ul>
 *   <li>Consumes {@code leads} in the consumer group {@link NotifierConfig#groupId()} (from the earliest offset when
 *       the group has none) and commits a lead's offset only after its e-mail was accepted by the SMTP relay (or it
 *       needed none), so a crash re-sends a notification rather than losing it: at-least-once.</li>
 *   <li>Records carrying {@link PipelineHeaders#REPLAY_COUNT} &gt; 0 are skipped: the lead was notified before.</li>
 *   <li>The offer's destination is looked up in a {@link DestinationCatalog} when the lead is handled, so a change of
 *       contacts applies to the next lead the catalog has seen it for. No destination or no valid contact: nothing
 *       is sent.</li>
 *   <li>{@link NotificationMode#PER_LEAD}: one e-mail per lead, one message addressed To all the offer's
 *       contacts. {@link NotificationMode#DAILY_DIGEST}: leads are summed up in memory per offer and one digest per
 *       offer is sent every {@link NotifierConfig#digestInterval()} (measured on the injected {@link Clock}) or on
 *       {@link #flushDigests()}; a crash before a digest is sent loses that summary (not the leads).</li>
 *   <li>A failed send is retried {@value #SEND_ATTEMPTS} times with capped backoff; then the lead's partition is
 *       paused and re-read from that lead after {@link #RETRY_LATER}. Logs name lead ids, offer ids and exception
 *       classes only, never an address or an SMTP error message.</li>
 *   <li>Operations ({@link #start(NotifierConfig, Ops)}): the counter {@code leadpipe.notifier.emails} (tags
 *       {@code kind} lead/digest, {@code result} sent/failed) on {@code ops.registry()}, and the readiness checks
 *       {@code kafka} (the cluster answers) and {@code consumer} (the consuming thread runs and polled within
 *       {@link #POLL_STALE}).</li>
 * </ul>
 */
public final class Notifier implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final int SEND_ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** How long a partition waits after a lead's e-mail could not be sent before that lead is tried again. */
    static final Duration RETRY_LATER = Duration.ofSeconds(15);
    /** At most this many lead ids are listed in one digest; the rest are counted. */
    static final int DIGEST_MAX_LISTED_IDS = 500;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(60);
    /** The consumer is reported not ready when its last poll is older than this (sending a batch's e-mails included). */
    static final Duration POLL_STALE = Duration.ofMinutes(2);
    /** The {@code service} tag of the notifier's meters. */
    public static final String SERVICE = "notifier";

    private final NotifierConfig config;
    private final Clock clock;
    private final DestinationCatalog catalog;
    private final KafkaConsumer<String, Lead> consumer;
    private final MailSender sender;
    private final Thread thread;
    private final NotifierMetrics metrics;
    private final KafkaReachability kafka;
    /** {@link System#nanoTime()} of the last poll's return; 0 before the first. */
    private volatile long lastPollNanos;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TopicPartition, Long> pausedUntil = new ConcurrentHashMap<>();
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    private final ReentrantLock digestSending = new ReentrantLock();
    private final Object handledMonitor = new Object();
    private long handled;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private Notifier(NotifierConfig config, Clock clock, DestinationCatalog catalog, NotifierMetrics metrics,
                     KafkaReachability kafka) {
        this.config = config;
        this.clock = clock;
        this.catalog = catalog;
        this.metrics = metrics;
        this.kafka = kafka;
        this.sender = new MailSender(config, clock);
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG, "leadpipe-notifier-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        this.consumer = new KafkaConsumer<>(props, Topics.LEADS.keySerde().deserializer(),
                Topics.LEADS.valueSerde().deserializer());
        this.thread = Thread.ofPlatform().name("notifier").unstarted(this::run);
    }

    /** Starts with the system clock. */
    public static Notifier start(NotifierConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Reads the destinations topic until caught up, then starts consuming leads in the background.
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
        KafkaReachability kafka = new KafkaReachability(config.bootstrapServers());
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

    private static Notifier start(NotifierConfig config, Clock clock, NotifierMetrics metrics, KafkaReachability kafka,
                                  AtomicReference<Notifier> created) {
        DestinationCatalog catalog = DestinationCatalog.start(config.bootstrapServers(), CATALOG_TIMEOUT);
        Notifier notifier;
        try {
            notifier = new Notifier(config, clock, catalog, metrics, kafka);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        if (created != null) {
            created.set(notifier);
        }
        notifier.thread.start();
        LOG.info("notifier started: {}", config);
        return notifier;
    }

    /** Null when the consuming thread runs and polled within {@link #POLL_STALE}, else why not. */
    String consumerProblem() {
        if (stopped.getCount() == 0 || !running) {
            RuntimeException f = failure;
            return f == null ? "the consumer is stopped" : "the consumer stopped: " + SafeErrors.describe(f);
        }
        long last = lastPollNanos;
        if (last == 0) {
            return "the consumer has not polled yet";
        }
        long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
        if (sinceMs > POLL_STALE.toMillis()) {
            return "the consumer has not polled for " + (sinceMs / 1000) + " s";
        }
        return null;
    }

    /** Why the notifier stopped by itself (its consumer failed for good), in one line; null when it did not fail. */
    @Override
    public String failure() {
        RuntimeException f = failure;
        return f == null ? null : "the notifier stopped after an unrecoverable error: " + SafeErrors.describe(f);
    }

    /** Waits until the consuming thread stopped (after {@link #close()} or an unrecoverable error). */
    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** How many lead records were handled (notified, summed into a digest, or skipped) and committed or about to be. */
    public long leadsHandled() {
        synchronized (handledMonitor) {
            return handled;
        }
    }

    /** Waits until at least {@code count} lead records were handled; false on timeout. */
    boolean awaitLeadsHandled(long count, Duration timeout) throws InterruptedException {
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
        synchronized (digests) {
            return digests.size();
        }
    }

    /**
     * Sends every waiting digest now, whatever its time. A digest whose e-mail cannot be sent stays waiting.
     *
     * @return how many digests were handed to SMTP
     */
    public int flushDigests() {
        return sendDigests(d -> true, SEND_ATTEMPTS);
    }

    private void run() {
        try {
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
            while (running) {
                Instant now = clock.instant();
                sendDigests(d -> !d.dueAt.isAfter(now), SEND_ATTEMPTS);
                resumeDuePartitions();
                ConsumerRecords<String, Lead> records;
                try {
                    records = consumer.poll(POLL);
                    lastPollNanos = System.nanoTime();
                } catch (RecordDeserializationException e) {
                    lastPollNanos = System.nanoTime();
                    LOG.warn("skipping an unreadable lead record at {}/{}: {}", e.topicPartition(), e.offset(),
                            e.getClass().getSimpleName());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    commit(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (TopicPartition tp : records.partitions()) {
                    handlePartition(tp, records.records(tp));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = new IllegalStateException("notifier woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("notifier stopped: {}", SafeErrors.describe(e));
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", SafeErrors.describe(e));
            }
            stopped.countDown();
        }
    }

    private void handlePartition(TopicPartition tp, List<ConsumerRecord<String, Lead>> records) {
        long next = -1;
        for (ConsumerRecord<String, Lead> record : records) {
            if (!running) {
                break;
            }
            try {
                handle(record);
            } catch (MailNotSent e) {
                LOG.warn("the notification of lead {} could not be sent; partition {} retries in {}",
                        record.key(), tp, RETRY_LATER);
                consumer.seek(tp, record.offset());
                consumer.pause(Set.of(tp));
                pausedUntil.put(tp, System.nanoTime() + RETRY_LATER.toNanos());
                break;
            }
            next = record.offset() + 1;
            synchronized (handledMonitor) {
                handled++;
                handledMonitor.notifyAll();
            }
        }
        if (next >= 0) {
            commit(tp, next);
        }
    }

    private void commit(TopicPartition tp, long next) {
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

    private void resumeDuePartitions() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<TopicPartition, Long>> it = pausedUntil.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, Long> e = it.next();
            if (now - e.getValue() >= 0) {
                it.remove();
                if (consumer.assignment().contains(e.getKey())) {
                    consumer.resume(Set.of(e.getKey()));
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, Lead> record) throws MailNotSent {
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
            LOG.info("lead {}: offer {} has no destination, so no contacts: no notification", lead.leadId(),
                    lead.offerId());
            return;
        }
        LeadDestination destination = found.get();
        List<InternetAddress> to = MailSender.addresses(destination.contactEmails());
        if (to.isEmpty()) {
            LOG.info("lead {}: offer {} has no valid contact e-mail: no notification", lead.leadId(), lead.offerId());
            return;
        }
        if (to.size() < destination.contactEmails().size()) {
            LOG.warn("offer {} has {} contact e-mails that are not valid addresses; they are skipped",
                    lead.offerId(), destination.contactEmails().size() - to.size());
        }
        if (destination.notifications() == NotificationMode.DAILY_DIGEST) {
            addToDigest(lead);
            LOG.debug("lead {} of offer {} added to the offer's digest", lead.leadId(), lead.offerId());
            return;
        }
        String subject = LeadMessages.subject(lead);
        String body = LeadMessages.body(lead, clock.instant(), deliveryType(destination),
                config.leadLookupUrl().orElse(null));
        sendWithRetries(NotifierMetrics.Kind.LEAD, "lead " + lead.leadId(), to, subject, body, SEND_ATTEMPTS);
        LOG.info("notified {} contact(s) of offer {} of lead {}", to.size(), lead.offerId(), lead.leadId());
    }

    /** The destination type for "where to find the lead"; null means it is not delivered. */
    private static DestinationType deliveryType(LeadDestination destination) {
        return destination.type() == null || !destination.type().isDeliverable() ? null : destination.type();
    }

    private void sendWithRetries(NotifierMetrics.Kind kind, String what, List<InternetAddress> to, String subject,
                                 String body, int attempts) throws MailNotSent {
        try {
            sendWithRetries(what, to, subject, body, attempts);
            metrics.sent(kind);
        } catch (MailNotSent e) {
            metrics.failed(kind);
            throw e;
        }
    }

    private void sendWithRetries(String what, List<InternetAddress> to, String subject, String body, int attempts)
            throws MailNotSent {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                sender.send(to, subject, body);
                return;
            } catch (MessagingException | RuntimeException e) {
                // the exception's message can echo addresses: its class only
                LOG.warn("sending the e-mail for {} failed (attempt {}/{}): {}", what, attempt, attempts,
                        e.getClass().getName());
                if (attempt >= attempts || !running) {
                    throw new MailNotSent();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailNotSent();
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void addToDigest(Lead lead) {
        Instant now = clock.instant();
        synchronized (digests) {
            digests.computeIfAbsent(lead.offerId(), id -> new Digest(id, now.plus(config.digestInterval())))
                    .add(lead, now);
        }
    }

    private int sendDigests(Predicate<Digest> which, int attempts) {
        digestSending.lock();
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
                if (sendDigest(d, attempts)) {
                    sent++;
                }
            }
            return sent;
        } finally {
            digestSending.unlock();
        }
    }

    /** Sends one digest to the offer's current contacts; true when sent, false when dropped or put back. */
    private boolean sendDigest(Digest d, int attempts) {
        Optional<LeadDestination> found = catalog.get(d.offerId);
        List<InternetAddress> to = found.map(x -> MailSender.addresses(x.contactEmails())).orElse(List.of());
        if (to.isEmpty()) {
            LOG.info("the digest of offer {} ({} leads) is dropped: the offer has no destination or contact any more",
                    d.offerId, d.count);
            return false;
        }
        String body = LeadMessages.digestBody(d.offerId, d.offerTitle, d.byAction, d.edu, d.test, d.first, d.last,
                d.listedIds(), deliveryType(found.get()), config.leadLookupUrl().orElse(null));
        try {
            sendWithRetries(NotifierMetrics.Kind.DIGEST, "the digest of offer " + d.offerId, to, LeadMessages.digestSubject(d.offerId, d.count),
                    body, attempts);
            LOG.info("sent the digest of offer {} ({} leads) to {} contact(s)", d.offerId, d.count, to.size());
            return true;
        } catch (MailNotSent e) {
            Instant retryAt = clock.instant().plus(RETRY_LATER);
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

    /**
     * Stops consuming, tries once to send the digests still waiting (they would be lost otherwise), and stops
     * following the destinations.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sendDigests(d -> true, 1);
        } catch (RuntimeException e) {
            LOG.warn("sending the waiting digests on close failed: {}", SafeErrors.describe(e));
        }
        catalog.close();
        if (kafka != null) {
            kafka.close();
        }
        LOG.info("notifier stopped");
    }

    /** Thrown when an e-mail could not be handed to SMTP after its attempts. */
    private static final class MailNotSent extends Exception {
        MailNotSent() {
            super(null, null, false, false);
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
            if (leadIds.size() <= DIGEST_MAX_LISTED_IDS) {
                return leadIds;
            }
            List<String> out = new ArrayList<>(leadIds.subList(0, DIGEST_MAX_LISTED_IDS));
            out.add("... and " + (leadIds.size() - DIGEST_MAX_LISTED_IDS) + " more");
            return out;
        }
    }
}
