package dev.leadpipe.sink.https;

import static dev.leadpipe.sink.https.HttpsLeads.CANARY_SIGNING_SECRET;
import static dev.leadpipe.sink.https.HttpsLeads.destination;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * Every status family of an HTTPS endpoint, end to end: the real SinkRuntime on an embedded broker delivering
 * through HttpsDestinationClient to a FakeHttpsReceiver that verifies every request's signature. One lead per row:
 * 2xx rows end DELIVERED (record id = Location, else "HTTP status"); the others end in leads-dlq as
 * DESTINATION_HTTP_ERROR or UNKNOWN with attempts 1 when permanent, the whole small budget when transient. Every
 * path carries a canary, and so does the signing secret: neither, nor the URL's sig, appears in any log line, DLQ
 * header, outcome or upstream detail.
 */
class HttpsSinkEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int BUDGET = 3;
    static final String CANARY_PATH = "CANARYPATH";
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(3);

    /** One lead's row: expected null class = delivered. */
    record Row(String name, int status, ErrorClass expected, boolean transientKind, int attempts,
               Function<Env, String> url) {
        String offerId() {
            return "contoso.row-" + name;
        }

        String leadId() {
            return "lead-" + name;
        }

        String path() {
            return "/workflows/" + CANARY_PATH + "-" + name + "/triggers/manual/paths/invoke";
        }

        @Override
        public String toString() {
            return name + " -> " + (expected == null ? "DELIVERED" : expected + (transientKind ? " transient" : " permanent"));
        }
    }

    record Env(FakeHttpsReceiver receiver, int closedPort) {
    }

    static Row delivered(String name) {
        return new Row(name, 0, null, false, 1, null);
    }

    static Row http(String name, int status) {
        boolean t = status == 408 || status == 429 || status >= 500;
        return new Row(name, status, ErrorClass.DESTINATION_HTTP_ERROR, t, t ? BUDGET : 1, null);
    }

    static Stream<Row> rows() {
        return Stream.of(
                delivered("ok-200"), delivered("created-201"), delivered("accepted-202"),
                new Row("recovers-after-2-503", 0, null, false, 3, null),
                http("found-302", 302), http("moved-301", 301), http("temporary-307", 307),
                http("bad-request-400", 400), http("unauthorized-401", 401), http("forbidden-403", 403),
                http("not-found-404", 404), http("gone-410", 410),
                http("request-timeout-408", 408), http("throttled-429", 429),
                http("server-error-500", 500), http("bad-gateway-502", 502), http("unavailable-503", 503),
                new Row("timeout", 0, ErrorClass.UNKNOWN, true, BUDGET, null),
                new Row("connection-refused", 0, ErrorClass.UNKNOWN, true, BUDGET,
                        e -> "http://127.0.0.1:" + e.closedPort() + "/workflows/" + CANARY_PATH
                                + "-refused/invoke?sig=" + e.receiver().urlSignature()),
                new Row("http-not-loopback", 0, ErrorClass.DESTINATION_HTTP_ERROR, false, 1,
                        e -> "http://prod-01.westeurope.logic.azure.com/workflows/" + CANARY_PATH
                                + "-plain/invoke?sig=" + e.receiver().urlSignature()));
    }

    static Row row(String name) {
        return rows().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    static FakeHttpsReceiver receiver;
    static Map<String, ConsumerRecord<String, byte[]>> dlqByOffer;
    static List<ConsumerRecord<String, Outcome>> outcomes;

    @BeforeAll
    static void runTheSink() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        receiver = FakeHttpsReceiver.start(CANARY_SIGNING_SECRET);
        receiver.answer(row("ok-200").path(), 200)
                .answerWithLocation(row("created-201").path(), 201)
                .answerFirst(row("recovers-after-2-503").path(), 2, 503)
                .answer(row("timeout").path(), Duration.ofSeconds(10))
                .answer(row("throttled-429").path(), 429, 1)
                .answerBody(row("bad-request-400").path(), 400, "{\"error\":{\"code\":\"InvalidTemplate\","
                        + "\"message\":\"'mei.lin@contoso.example' is not valid for Email at "
                        + receiver.url(row("bad-request-400").path()) + "\"}}");
        rows().filter(r -> r.status() > 0 && r.status() != 429 && r.status() != 400)
                .forEach(r -> receiver.answer(r.path(), r.status()));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Env env = new Env(receiver, closedPort);

        List<LeadDestination> destinations = new ArrayList<>();
        for (Row r : rows().toList()) {
            String url = r.url() != null ? r.url().apply(env) : receiver.url(r.path());
            destinations.add(destination(r.offerId(), url, CANARY_SIGNING_SECRET));
        }
        HttpsLeads.publishDestinations(KAFKA.bootstrapServers(), destinations);

        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withGroupId("sink-https-e2e")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(BUDGET, Duration.ofSeconds(30))
                .withCircuitBreaker(100, Duration.ofSeconds(1))
                .withMaxConcurrencyPerEndpoint(32);
        int expected = (int) rows().count();
        try (SinkRuntime sink = SinkRuntime.start(config, new HttpsDestinationClient(null, CLIENT_TIMEOUT))) {
            HttpsLeads.publishLeads(KAFKA.bootstrapServers(),
                    rows().map(r -> lead(r.leadId(), r.offerId())).toList());
            outcomes = TopicReader.readUntil(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= expected, Duration.ofSeconds(60), Duration.ZERO);
            int expectedDlq = (int) rows().filter(r -> r.expected() != null).count();
            List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(KAFKA.bootstrapServers(),
                    Topics.LEADS_DLQ, rs -> rs.size() >= expectedDlq, Duration.ofSeconds(30), Duration.ofMillis(300));
            dlqByOffer = dlq.stream().collect(Collectors.toMap(
                    r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID), r -> r, (a, b) -> b));
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        }
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    static Outcome outcomeOf(Row row) {
        return outcomes.stream().map(ConsumerRecord::value).filter(o -> o.leadId().equals(row.leadId()))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no outcome for " + row.leadId()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void endsAsTheStatusFamilyRequires(Row row) {
        Outcome outcome = outcomeOf(row);
        if (row.expected() == null) {
            assertThat(outcome.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcome.attempts()).isEqualTo(row.attempts());
            assertThat(dlqByOffer).doesNotContainKey(row.offerId());
            assertThat(receiver.delivery(row.leadId()).signatureVerified()).isTrue();
            return;
        }
        ConsumerRecord<String, byte[]> record = dlqByOffer.get(row.offerId());
        assertThat(record).as("dead letter of " + row.name()).isNotNull();
        var h = record.headers();
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(row.expected().code());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND))
                .isEqualTo(row.transientKind() ? "transient" : "permanent");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.REMEDIATION)).isEqualTo(row.expected().remediation());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo(Integer.toString(row.attempts()));
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.DESTINATION_TYPE)).isEqualToIgnoringCase("https");
        String detail = DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL);
        assertThat(detail).isNotBlank().doesNotContain("@");
        if (row.status() > 0) {
            assertThat(detail).startsWith("HTTP " + row.status());
        }
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(row.expected());
        assertThat(outcome.attempts()).isEqualTo(row.attempts());
        if (row.url() == null) {
            assertThat(receiver.arrivals(row.path())).as("requests of " + row.name()).hasSize(row.attempts());
        }
    }

    @Test
    void deliveredRowsCarryTheRecordId() {
        assertThat(outcomeOf(row("ok-200")).destinationRecordId()).isEqualTo("HTTP 200");
        assertThat(outcomeOf(row("accepted-202")).destinationRecordId()).isEqualTo("HTTP 202");
        assertThat(outcomeOf(row("recovers-after-2-503")).destinationRecordId()).isEqualTo("HTTP 202");
        assertThat(outcomeOf(row("created-201")).destinationRecordId())
                .isEqualTo(receiver.baseUrl() + "/records/" + FakeHttpsReceiver.recordId(row("created-201").leadId()));
    }

    @Test
    void retryAfterIsHonoured() {
        List<Instant> arrivals = receiver.arrivals(row("throttled-429").path());
        assertThat(arrivals).hasSize(BUDGET);
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(Duration.between(arrivals.get(i - 1), arrivals.get(i))).isGreaterThan(Duration.ofMillis(900));
        }
    }

    @Test
    void nothingIsSentToAPlainHttpHostAndRedirectsAreNotFollowed() {
        String detail = DeadLetterHeaders.get(dlqByOffer.get(row("http-not-loopback").offerId()).headers(),
                DeadLetterHeaders.UPSTREAM_DETAIL);
        assertThat(detail).contains("must be https").contains("nothing was sent");
        assertThat(outcomeOf(row("http-not-loopback")).errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(DeadLetterHeaders.get(dlqByOffer.get(row("found-302").offerId()).headers(),
                DeadLetterHeaders.UPSTREAM_DETAIL)).contains("not followed").doesNotContain("elsewhere.example");
        assertThat(receiver.rejectedSignatures()).isZero();
        assertThat(receiver.rejectedUrlSignatures()).isZero();
    }

    @Test
    void noUrlSignaturePathOrSigningSecretAnywhere() {
        List<String> seen = new ArrayList<>();
        LOGS.list.forEach(e -> {
            seen.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                seen.add(e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage());
            }
        });
        dlqByOffer.values().forEach(r -> {
            for (Header header : r.headers()) {
                seen.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
        });
        outcomes.forEach(r -> seen.add(r.value().toString()));
        assertThat(LOGS.list).isNotEmpty();
        assertThat(dlqByOffer).isNotEmpty();
        assertThat(seen).allSatisfy(text -> assertThat(text)
                .doesNotContain(CANARY_PATH, receiver.urlSignature(), CANARY_SIGNING_SECRET, "CANARY", "sig=f",
                        "/workflows/", "mei.lin"));
    }
}
