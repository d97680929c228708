package dev.leadpipe.sink.runtime.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every sink's end-to-end test keeps: the real SinkRuntime on an embedded broker delivers, through the
 * sink's own client, one lead per row of the sink's catalogue to a stand-in of its destination (plus any good leads
 * the test adds). Then, per row, as a user sees it:
 * <ul>
 * <li>a row expected delivered ends DELIVERED after its attempts, with no dead letter;</li>
 * <li>any other ends in leads-dlq with the row's class, kind, remediation and attempts (1 when permanent, the whole
 * small budget of {@value #BUDGET} when transient), the sink's destination type and an upstream detail without an
 * e-mail address, and its outcome says the same;</li>
 * </ul>
 * and no canary (secret, password, key, signed URL part) appears in any log line, DLQ header or outcome.
 *
 * <p>A subclass starts its stand-ins, says its rows, their destinations and its client; its own tests read
 * {@link #outcomes} and {@link #dlqByOffer}. One sink run per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SinkEndToEndContract<R extends SinkEndToEndContract.CatalogueRow> {
    @RegisterExtension
    protected static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** The retry budget of the run: a transient row is attempted this many times. */
    protected static final int BUDGET = 3;

    /** One lead of the run, on an offer of its own. */
    public interface CatalogueRow {
        String name();

        /** The class it is dead-lettered with; null when it is to be delivered. */
        ErrorClass expected();

        boolean transientKind();

        default String offerId() {
            return "contoso.row-" + name();
        }

        default String leadId() {
            return "lead-" + name();
        }

        /** The attempts it ends after. */
        default int attempts() {
            return transientKind() ? BUDGET : 1;
        }
    }

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private DestinationType type;
    /** Every outcome of the run, in order. */
    protected List<ConsumerRecord<String, Outcome>> outcomes;
    /** The run's dead letters by offer id. */
    protected Map<String, ConsumerRecord<String, byte[]>> dlqByOffer;

    /** The rows of the run, in order (also the parameters of {@link #endsAsItsRowSays}). */
    protected abstract Stream<R> rows();

    /** Starts the destination stand-ins the rows' destinations point to. */
    protected abstract void startDestinations() throws Exception;

    /** Stops them. */
    protected abstract void stopDestinations();

    /** The row's destination (its offer id is replaced by the row's). */
    protected abstract LeadDestination destination(R row);

    /** The sink's client, as the test configures it. */
    protected abstract DestinationClient client();

    /** What must appear in no log line, DLQ header or outcome. */
    protected abstract List<String> canaries();

    /** Destinations besides the rows' (good ones delivered alongside). */
    protected List<LeadDestination> moreDestinations() {
        return List.of();
    }

    /** Leads besides the rows' (to the destinations of {@link #moreDestinations}). */
    protected List<Lead> moreLeads() {
        return List.of();
    }

    /** The run's settings, from the contract's small budget and fast backoff; a sink may add to them. */
    protected SinkConfig config(SinkConfig contract) {
        return contract;
    }

    /** More checks of a row that ended delivered. */
    protected void deliveredAsExpected(R row, Outcome outcome) {}

    /** More checks of a row that ended dead-lettered, with its upstream detail. */
    protected void deadLetteredAsExpected(R row, Outcome outcome, String detail) {}

    @BeforeAll
    void runTheSink() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try {
            startDestinations();
            List<LeadDestination> destinations = new ArrayList<>();
            rows().forEach(row -> {
                LeadDestination d = destination(row);
                destinations.add(new LeadDestination(
                        row.offerId(), d.type(), d.settings(), d.contactEmails(), 1, d.updatedAt()));
            });
            destinations.addAll(moreDestinations());
            TopicWriter.writeDestinations(KAFKA.bootstrapServers(), destinations);

            DestinationClient client = client();
            type = client.type();
            SinkConfig config = config(SinkConfig.of(KAFKA.bootstrapServers())
                    .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                    .withGroupId("sink-" + type.wireName() + "-e2e")
                    .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                    .withRetryBudget(BUDGET, Duration.ofSeconds(30))
                    .withCircuitBreaker(100, Duration.ofSeconds(1)));
            List<Lead> leads = new ArrayList<>();
            rows().forEach(row -> leads.add(MarketplaceLeads.lead(row.leadId(), row.offerId())));
            leads.addAll(moreLeads());
            int expectedDlq = (int) rows().filter(row -> row.expected() != null).count();
            try (SinkRuntime sink = SinkRuntime.start(config, client)) {
                TopicWriter.writeLeads(KAFKA.bootstrapServers(), Topics.deliveryTopic(type), leads, 0);
                outcomes = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> rs.size() >= leads.size(),
                        Duration.ofSeconds(90),
                        Duration.ZERO);
                List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEADS_DLQ,
                        rs -> rs.size() >= expectedDlq,
                        Duration.ofSeconds(30),
                        Duration.ofMillis(500));
                dlqByOffer = dlq.stream()
                        .collect(Collectors.toMap(
                                r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID),
                                r -> r,
                                (a, b) -> b));
            }
        } finally {
            root.detachAppender(logs);
        }
    }

    @AfterAll
    void stopTheDestinations() {
        stopDestinations();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void endsAsItsRowSays(R row) {
        Outcome outcome = outcomeOf(row.leadId());
        if (row.expected() == null) {
            assertThat(outcome.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcome.attempts()).isEqualTo(row.attempts());
            assertThat(dlqByOffer).doesNotContainKey(row.offerId());
            deliveredAsExpected(row, outcome);
            return;
        }
        ConsumerRecord<String, byte[]> record = dlqByOffer.get(row.offerId());
        assertThat(record).as("dead letter of " + row.name()).isNotNull();
        Headers h = record.headers();
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS))
                .isEqualTo(row.expected().code());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND))
                .isEqualTo(row.transientKind() ? "transient" : "permanent");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.REMEDIATION))
                .isEqualTo(row.expected().remediation());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo(Integer.toString(row.attempts()));
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.DESTINATION_TYPE)).isEqualToIgnoringCase(type.wireName());
        String detail = DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL);
        assertThat(detail).isNotBlank().doesNotContain("@");
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(row.expected());
        assertThat(outcome.attempts()).isEqualTo(row.attempts());
        deadLetteredAsExpected(row, outcome, detail);
    }

    @Test
    void noCanaryAnywhere() {
        List<String> seen = new ArrayList<>();
        logs.list.forEach(e -> {
            seen.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                seen.add(e.getThrowableProxy().getClassName() + ": "
                        + e.getThrowableProxy().getMessage());
            }
        });
        dlqByOffer.values().forEach(r -> {
            for (Header header : r.headers()) {
                seen.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
        });
        outcomes.forEach(r -> seen.add(r.value().toString()));
        assertThat(logs.list).isNotEmpty();
        assertThat(dlqByOffer).isNotEmpty();
        String[] canaries = canaries().toArray(String[]::new);
        assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(canaries));
    }

    /** The last outcome of the lead. */
    protected Outcome outcomeOf(String leadId) {
        return outcomes.stream()
                .map(ConsumerRecord::value)
                .filter(o -> o.leadId().equals(leadId))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no outcome for " + leadId));
    }

    /** The upstream detail of the row's dead letter. */
    protected String detail(R row) {
        return DeadLetterHeaders.get(dlqByOffer.get(row.offerId()).headers(), DeadLetterHeaders.UPSTREAM_DETAIL);
    }
}
