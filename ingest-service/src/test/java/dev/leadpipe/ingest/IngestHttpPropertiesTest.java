package dev.leadpipe.ingest;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.testing.TestKeys;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests to a started ingest service on a real broker: lead bodies ({@link HostileLeads}) to
 * {@code POST /v1/leads} with any Content-Type and Idempotency-Key, batches of them as a JSON array or NDJSON to
 * {@code POST /v1/leads/batch}, and random destination documents to {@code PUT /v1/offers/{offerId}/lead-destination}.
 * Never a 5xx; a 4xx is {@code application/problem+json} with its status, and writes nothing (the topic's record count
 * is unchanged); an accepted request writes exactly its leads or its destination. Every request goes through
 * {@link #send}.
 */
class IngestHttpPropertiesTest {
    /**
     * Small limits, so the 413 answers are reached without megabytes per request; the body limit is still over the
     * longest field (8192 characters).
     */
    private static final long MAX_BODY_BYTES = 12 * 1024;

    private static final int MAX_BATCH_ITEMS = 6;

    private static PropertyBroker kafka;
    private static IngestService service;
    private static Http http;
    private static RecordTally leads;
    private static RecordTally destinations;

    @BeforeContainer
    static void start() {
        kafka = PropertyBroker.start(IngestHttpPropertiesTest.class);
        String key = TestKeys.operator(kafka.bootstrapServers());
        service = IngestService.start(IngestConfig.defaults(kafka.bootstrapServers())
                .with(IngestConfig.PORT, 0)
                .with(IngestConfig.MAX_BODY_BYTES, MAX_BODY_BYTES)
                .with(IngestConfig.MAX_BATCH_ITEMS, MAX_BATCH_ITEMS));
        http = new Http(service.port(), key);
        leads = new RecordTally(kafka.bootstrapServers(), Topics.LEADS);
        destinations = new RecordTally(kafka.bootstrapServers(), Topics.LEAD_DESTINATIONS);
    }

    @AfterContainer
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {leads, destinations, service, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    /**
     * The one place a request is sent, with the operator key. With
     * {@code Expect: 100-continue}, as curl sends a large body: the service refuses a body over its limit before
     * reading it and closes the connection, and a client still sending the body would see a reset instead of the 413.
     */
    private static Http.Answer send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request =
                http.request(path).expectContinue(true).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build());
    }

    @Property(tries = 2000)
    void aLeadIsWrittenOnceOrRefusedWithAProblemAndNothingWritten(
            @ForAll("leadBodies") byte[] body,
            @ForAll("leadContentTypes") String contentType,
            @ForAll("idempotencyKeys") String idempotencyKey) {
        long before = leads.count();
        Http.Answer answer = idempotencyKey == null
                ? send("POST", "/v1/leads", contentType, body)
                : send("POST", "/v1/leads", contentType, body, "Idempotency-Key", idempotencyKey);
        Statistics.label("status").collect(answer.status());

        assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        if (answer.status() == 202) {
            assertThat(answer.json().path("leadId").asText()).isNotBlank();
            assertThat(leads.count()).isEqualTo(before + 1);
        } else {
            assertProblem(answer);
            assertThat(leads.count()).isEqualTo(before);
        }
    }

    @Property(tries = 400)
    void aBatchWritesExactlyItsAcceptedLeads(@ForAll("batches") Batch batch) {
        long before = leads.count();
        Http.Answer answer = send("POST", "/v1/leads/batch", batch.contentType(), batch.body());
        Statistics.label("status").collect(answer.status());

        assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        if (answer.status() == 202 || answer.status() == 207) {
            JsonNode body = answer.json();
            int accepted = 0;
            for (JsonNode item : body.path("items")) {
                assertThat(item.path("status").asInt()).isBetween(200, 499);
                if (item.path("status").asInt() == 202) {
                    accepted++;
                }
            }
            assertThat(body.path("accepted").asInt()).isEqualTo(accepted);
            assertThat(leads.count()).isEqualTo(before + accepted);
        } else {
            assertProblem(answer);
            assertThat(leads.count()).isEqualTo(before);
        }
    }

    @Property(tries = 800)
    void aDestinationIsStoredOnceOrRefusedNamingItsFields(
            @ForAll("offerIds") String offerId, @ForAll("destinationBodies") String body) {
        long before = destinations.count();
        Http.Answer answer = send(
                "PUT",
                "/v1/offers/" + offerId + "/lead-destination",
                "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        Statistics.label("status").collect(answer.status());

        assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        if (answer.status() == 200 || answer.status() == 201) {
            assertThat(destinations.count()).isEqualTo(before + 1);
            assertThat(answer.body()).doesNotContain("Qv7secret");
        } else {
            assertProblem(answer);
            if (answer.status() == 422) {
                assertThat(answer.json().path("errors")).isNotEmpty();
                answer.json()
                        .path("errors")
                        .forEach(e -> assertThat(e.path("pointer").asText()).matches("|/.*|path:offerId"));
            }
            assertThat(answer.body()).doesNotContain("Qv7secret");
            assertThat(destinations.count()).isEqualTo(before);
        }
    }

    private static void assertProblem(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.path("status").asInt()).isEqualTo(answer.status());
        assertThat(problem.path("type").asText()).startsWith("https://leadpipe.dev/problems/");
        assertThat(answer.body()).doesNotContain(HostileLeads.CUSTOMER_EMAIL);
    }

    @Provide
    Arbitrary<byte[]> leadBodies() {
        Arbitrary<byte[]> tooLarge = Arbitraries.just(
                HostileLeads.valid("z".repeat((int) MAX_BODY_BYTES + 300)).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(60, HostileLeads.bodies()), Tuple.of(1, tooLarge));
    }

    @Provide
    Arbitrary<String> leadContentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("application/json")),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                "application/json; charset=UTF-8",
                                "APPLICATION/JSON;charset=\"utf8\"",
                                "application/json; charset=latin1",
                                "application/json;;;",
                                "application/x-ndjson",
                                "text/plain",
                                "",
                                "*/*")),
                Tuple.of(1, Arbitraries.just(null)));
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(
                        Arbitraries.strings()
                                .withCharRange('!', '~')
                                .ofMinLength(1)
                                .ofMaxLength(140),
                        Arbitraries.of("key-1", "-leading", "a".repeat(129)))
                .injectNull(0.7);
    }

    /** A batch request: its Content-Type and body. */
    record Batch(String contentType, byte[] body) {
        @Override
        public String toString() {
            return contentType + ": " + new String(body, StandardCharsets.UTF_8);
        }
    }

    @Provide
    Arbitrary<Batch> batches() {
        Arbitrary<List<String>> items = HostileLeads.leads().list().ofMaxSize(MAX_BATCH_ITEMS + 1);
        Arbitrary<Batch> array = items.map(list ->
                new Batch("application/json", ("[" + String.join(",", list) + "]").getBytes(StandardCharsets.UTF_8)));
        Arbitrary<Batch> ndjson = Combinators.combine(items, Arbitraries.of("\n", "\r\n", "\n\n  \n"))
                .as((list, separator) -> new Batch(
                        "application/x-ndjson",
                        String.join(
                                        separator,
                                        list.stream()
                                                .map(s -> s.replace('\n', ' '))
                                                .toList())
                                .getBytes(StandardCharsets.UTF_8)));
        Arbitrary<Batch> bytes = HostileLeads.bodies().map(b -> new Batch("application/x-ndjson", b));
        return Arbitraries.frequencyOf(Tuple.of(4, array), Tuple.of(4, ndjson), Tuple.of(1, bytes));
    }

    @Provide
    Arbitrary<String> offerIds() {
        Arbitrary<String> valid = Arbitraries.integers().between(0, 50).map(n -> "contoso.widget-" + n);
        return Arbitraries.frequencyOf(
                Tuple.of(10, valid),
                Tuple.of(
                        1,
                        Arbitraries.of("contoso", "contoso.", ".x", "a..b%2Fc", "%C3%A9.x", "x".repeat(200) + ".y")));
    }

    @Provide
    Arbitrary<String> destinationBodies() {
        List<String> settingNames = new ArrayList<>();
        DestinationSpecs.all()
                .forEach(s -> s.settings().stream().map(SettingSpec::name).forEach(settingNames::add));
        settingNames.add("URL");
        settingNames.add("unknown/setting~name");
        settingNames.add("");
        Arbitrary<String> values = Arbitraries.of(
                "\"https://hooks.contoso.example/leads\"",
                "\"http://127.0.0.1:9/x\"",
                "\"http://hooks.contoso.example/x\"",
                "\"not a url Qv7secret\"",
                "\"" + LeadDestination.MASK + "\"",
                "\"Qv7secret-long-enough-signing-key\"",
                "\"\"",
                "null",
                "42",
                "[\"x\"]",
                "{}",
                "\"" + "k".repeat(9_000) + "\"");
        Arbitrary<String> settings = Combinators.combine(Arbitraries.of(settingNames), values)
                .as((n, v) -> "\"" + n + "\":" + v)
                .list()
                .ofMaxSize(4)
                .map(list -> "{" + String.join(",", list) + "}");
        Arbitrary<String> type = Arbitraries.of(
                "\"https\"",
                "\"HTTPS\"",
                "\"none\"",
                "\"table\"",
                "\"dynamics\"",
                "\"salesforce\"",
                "\"blob\"",
                "\"ftp\"",
                "null",
                "1",
                "[\"https\"]",
                "{}");
        Arbitrary<String> settingsValue = Arbitraries.frequencyOf(
                Tuple.of(8, settings), Tuple.of(1, Arbitraries.of("null", "[]", "\"url\"", "1")));
        Arbitrary<String> emails = Arbitraries.of(
                "[\"sales@contoso.example\"]",
                "[]",
                "[\"not an address\"]",
                "[1, null]",
                "\"sales@contoso.example\"",
                "[\"" + "a".repeat(320) + "@contoso.example\"]");
        Arbitrary<String> notifications = Arbitraries.of("\"per-lead\"", "\"daily-digest\"", "\"hourly\"", "true");
        Arbitrary<String> extra = Arbitraries.of(
                "",
                ",\"version\":7",
                ",\"offerId\":\"other.offer\"",
                ",\"Type\":\"https\"",
                ",\"secrets\":{}",
                ",\"type\":\"none\"");
        Arbitrary<String> document = Combinators.combine(
                        type.injectNull(0.1),
                        settingsValue.injectNull(0.2),
                        emails.injectNull(0.4),
                        notifications.injectNull(0.6),
                        extra)
                .as((t, s, e, n, x) -> {
                    List<String> fields = new ArrayList<>();
                    if (t != null) {
                        fields.add("\"type\":" + t);
                    }
                    if (s != null) {
                        fields.add("\"settings\":" + s);
                    }
                    if (e != null) {
                        fields.add("\"contactEmails\":" + e);
                    }
                    if (n != null) {
                        fields.add("\"notifications\":" + n);
                    }
                    String body = "{" + String.join(",", fields) + "}";
                    return x.isEmpty()
                            ? body
                            : body.substring(0, body.length() - 1) + (fields.isEmpty() ? x.substring(1) : x) + "}";
                });
        Arbitrary<String> broken = Arbitraries.of("", "null", "[]", "\"https\"", "{\"type\":", "{\"type\":\"https\"}}");
        return Arbitraries.frequencyOf(Tuple.of(12, document), Tuple.of(1, broken));
    }
}
