package dev.leadpipe.sink.https;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.testing.SinkEndToEndContract;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.https.HttpsLeads.CANARY_SIGNING_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every status family of an HTTPS endpoint, end to end ({@link SinkEndToEndContract}): the real SinkRuntime on an embedded broker delivering
 * through HttpsDestinationClient to a FakeHttpsReceiver that verifies every request's signature. One lead per row:
 * 2xx rows end DELIVERED (record id = Location, else "HTTP status"); the others end in leads-dlq as
 * DESTINATION_HTTP_ERROR or UNKNOWN with attempts 1 when permanent, the whole small budget when transient. Every
 * path carries a canary, and so does the signing secret: neither, nor the URL's sig, appears in any log line, DLQ
 * header, outcome or upstream detail.
 */
class HttpsSinkEndToEndTest extends SinkEndToEndContract<HttpsSinkEndToEndTest.Row> {
    static final String CANARY_PATH = "CANARYPATH";
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(3);

    /** One lead's row: expected null class = delivered. */
    record Row(
            String name,
            int status,
            ErrorClass expected,
            boolean transientKind,
            int attempts,
            Function<Env, String> url)
            implements CatalogueRow {
        String path() {
            return "/workflows/" + CANARY_PATH + "-" + name + "/triggers/manual/paths/invoke";
        }

        @Override
        public String toString() {
            return name + " -> "
                    + (expected == null ? "DELIVERED" : expected + (transientKind ? " transient" : " permanent"));
        }
    }

    record Env(FakeHttpsReceiver receiver, int closedPort) {}

    static Row delivered(String name) {
        return new Row(name, 0, null, false, 1, null);
    }

    static Row http(String name, int status) {
        boolean t = status == 408 || status == 429 || status >= 500;
        return new Row(name, status, ErrorClass.DESTINATION_HTTP_ERROR, t, t ? BUDGET : 1, null);
    }

    @Override
    protected Stream<Row> rows() {
        return Stream.of(
                delivered("ok-200"),
                delivered("created-201"),
                delivered("accepted-202"),
                new Row("recovers-after-2-503", 0, null, false, 3, null),
                http("found-302", 302),
                http("moved-301", 301),
                http("temporary-307", 307),
                http("bad-request-400", 400),
                http("unauthorized-401", 401),
                http("forbidden-403", 403),
                http("not-found-404", 404),
                http("gone-410", 410),
                http("request-timeout-408", 408),
                http("throttled-429", 429),
                http("server-error-500", 500),
                http("bad-gateway-502", 502),
                http("unavailable-503", 503),
                new Row("timeout", 0, ErrorClass.UNKNOWN, true, BUDGET, null),
                new Row(
                        "connection-refused",
                        0,
                        ErrorClass.UNKNOWN,
                        true,
                        BUDGET,
                        e -> "http://127.0.0.1:" + e.closedPort() + "/workflows/" + CANARY_PATH + "-refused/invoke?sig="
                                + e.receiver().urlSignature()),
                new Row(
                        "http-not-loopback",
                        0,
                        ErrorClass.DESTINATION_ADDRESS_REFUSED,
                        false,
                        1,
                        e -> "http://prod-01.westeurope.logic.azure.com/workflows/" + CANARY_PATH + "-plain/invoke?sig="
                                + e.receiver().urlSignature()));
    }

    Row row(String name) {
        return rows().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    FakeHttpsReceiver receiver;
    Env env;

    @Override
    protected void startDestinations() throws Exception {
        receiver = FakeHttpsReceiver.start(CANARY_SIGNING_SECRET);
        receiver.answer(row("ok-200").path(), 200)
                .answerWithLocation(row("created-201").path(), 201)
                .answerFirst(row("recovers-after-2-503").path(), 2, 503)
                .answer(row("timeout").path(), Duration.ofSeconds(10))
                .answer(row("throttled-429").path(), 429, 1)
                .answerBody(
                        row("bad-request-400").path(),
                        400,
                        "{\"error\":{\"code\":\"InvalidTemplate\","
                                + "\"message\":\"'mei.lin@contoso.example' is not valid for Email at "
                                + receiver.url(row("bad-request-400").path()) + "\"}}");
        rows().filter(r -> r.status() > 0 && r.status() != 429 && r.status() != 400)
                .forEach(r -> receiver.answer(r.path(), r.status()));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        env = new Env(receiver, closedPort);
    }

    @Override
    protected void stopDestinations() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Override
    protected LeadDestination destination(Row row) {
        String url = row.url() != null ? row.url().apply(env) : receiver.url(row.path());
        return HttpsLeads.destination(row.offerId(), url, CANARY_SIGNING_SECRET);
    }

    @Override
    protected DestinationClient client() {
        return new HttpsDestinationClient(null, CLIENT_TIMEOUT);
    }

    @Override
    protected SinkConfig config(SinkConfig contract) {
        return contract.withMaxConcurrencyPerEndpoint(32);
    }

    @Override
    protected List<String> canaries() {
        return List.of(
                CANARY_PATH,
                receiver.urlSignature(),
                CANARY_SIGNING_SECRET,
                "CANARY",
                "sig=f",
                "/workflows/",
                "mei.lin");
    }

    /** Every delivered request carried a signature the receiver verified. */
    @Override
    protected void deliveredAsExpected(Row row, Outcome outcome) {
        assertThat(receiver.delivery(row.leadId()).signatureVerified()).isTrue();
    }

    /** The detail names the status; every attempt reached the receiver (unless the URL points elsewhere). */
    @Override
    protected void deadLetteredAsExpected(Row row, Outcome outcome, String detail) {
        if (row.status() > 0) {
            assertThat(detail).startsWith("HTTP " + row.status());
        }
        if (row.url() == null) {
            assertThat(receiver.arrivals(row.path()))
                    .as("requests of " + row.name())
                    .hasSize(row.attempts());
        }
    }

    @Test
    void deliveredRowsCarryTheRecordId() {
        assertThat(outcomeOf(row("ok-200").leadId()).destinationRecordId()).isEqualTo("HTTP 200");
        assertThat(outcomeOf(row("accepted-202").leadId()).destinationRecordId())
                .isEqualTo("HTTP 202");
        assertThat(outcomeOf(row("recovers-after-2-503").leadId()).destinationRecordId())
                .isEqualTo("HTTP 202");
        assertThat(outcomeOf(row("created-201").leadId()).destinationRecordId())
                .isEqualTo(receiver.baseUrl() + "/records/"
                        + FakeHttpsReceiver.recordId(row("created-201").leadId()));
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
        String detail = detail(row("http-not-loopback"));
        assertThat(detail).contains("plain http").contains("nothing was sent");
        assertThat(outcomeOf(row("http-not-loopback").leadId()).errorClass())
                .isEqualTo(ErrorClass.DESTINATION_ADDRESS_REFUSED);
        assertThat(detail(row("found-302"))).contains("not followed").doesNotContain("elsewhere.example");
        assertThat(receiver.rejectedSignatures()).isZero();
        assertThat(receiver.rejectedUrlSignatures()).isZero();
    }
}
