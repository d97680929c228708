package dev.leadpipe.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.ops.testing.TestKeys;
import dev.leadpipe.router.RouterApp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** What the system tests share: posting over the real HTTP API, reading topics and Azurite, running leadctl. */
final class SystemTestSupport {
    private static final Map<String, String> OPERATOR_KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    static final HttpClient HTTP = HttpClient.newHttpClient();

    private SystemTestSupport() {}

    /** A port nothing listens on right now (for a service to bind, or to stand for a closed endpoint). */
    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String lead(String offerId, int i) {
        return "{\"UserDetails\":{\"FirstName\":\"Cust" + i + "\",\"LastName\":\"Omer\",\"Email\":\""
                + email(offerId, i)
                + "\",\"Country\":\"US\",\"Company\":\"Co" + i + "\"},\"LeadSource\":\"AzureMarketplace-INS|" + offerId
                + "\",\"ActionCode\":\"INS\",\"OfferTitle\":\"System test\",\"Description\":\"lead " + i + "\"}";
    }

    static String email(String offerId, int i) {
        return "customer" + i + "." + offerId.replace('.', '-') + "@fabrikam.example";
    }

    /**
     * Saves a destination (the API's JSON body) over ingest's API on {@code ingestPort} and returns ingest's answer
     * once {@code router} routes by the saved version.
     */
    static JsonNode putDestination(RouterApp router, int ingestPort, String key, String offerId, String body)
            throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + ingestPort + "/v1/offers/" + offerId + "/lead-destination"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestKeys.bearer(key))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        JsonNode saved = Json.MAPPER.readTree(r.body());
        awaitRouterHas(router, offerId, saved.get("version").asLong());
        return saved;
    }

    /** The API's body for a Table destination with {@code connectionString}. */
    static String tableDestination(String connectionString) throws Exception {
        return "{\"type\":\"table\",\"settings\":{\"connectionString\":"
                + Json.MAPPER.writeValueAsString(connectionString) + "}}";
    }

    /**
     * Returns once the router's global table holds {@code offerId}'s destination at {@code version} or later: a lead
     * routed before then would still see the previous destination, or none.
     */
    static void awaitRouterHas(RouterApp router, String offerId, long version) throws InterruptedException {
        assertThat(router.awaitDestination(offerId, version, Duration.ofSeconds(30)))
                .as("the router routes by version %d of %s's destination", version, offerId)
                .isTrue();
    }

    /** Writes a destination straight to the compacted topic, as one stored before the API checked it (blob). */
    static void writeDestinationToTopic(String bootstrap, dev.leadpipe.core.destination.LeadDestination destination)
            throws Exception {
        dev.leadpipe.kafka.testing.TopicWriter.writeDestinations(bootstrap, List.of(destination));
    }

    /** Posts leads in NDJSON batches of up to 500 with {@code key}; returns their lead ids. */
    static List<String> postLeads(int ingestPort, String key, List<String> leads) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < leads.size(); from += 500) {
            List<String> batch = leads.subList(from, Math.min(from + 500, leads.size()));
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort + "/v1/leads/batch"))
                            .header("Content-Type", "application/x-ndjson")
                            .header("Authorization", TestKeys.bearer(key))
                            .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            for (JsonNode item : Json.MAPPER.readTree(r.body()).get("items")) {
                ids.add(item.get("leadId").asText());
            }
        }
        return ids;
    }

    static List<String> leads(String offerId, int count) {
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leads.add(lead(offerId, i));
        }
        return leads;
    }

    /** Outcomes of one offer, read until {@code done} holds (or the timeout), then {@code settle} longer. */
    static List<Outcome> outcomes(
            String bootstrap, String offerId, Predicate<List<Outcome>> done, Duration timeout, Duration settle) {
        List<ConsumerRecord<String, Outcome>> records = TopicReader.readUntil(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                rs -> done.test(rs.stream()
                        .map(ConsumerRecord::value)
                        .filter(o -> offerId.equals(o.offerId()))
                        .toList()),
                timeout,
                settle);
        return records.stream()
                .map(ConsumerRecord::value)
                .filter(o -> offerId.equals(o.offerId()))
                .toList();
    }

    /** Every dead letter on the topic now (a sink writes a dead letter before its outcome). */
    static List<ConsumerRecord<String, byte[]>> deadLetters(String bootstrap) {
        return TopicReader.readAll(bootstrap, Topics.LEADS_DLQ);
    }

    /** Every value and header of a topic as text, for scanning for secrets and e-mail addresses. */
    static String rawText(String bootstrap, TopicSpec<String, ?> topic) {
        TopicSpec<String, byte[]> raw = new TopicSpec<>(
                topic.name(), topic.keySerde(), Serdes.ByteArray(), topic.partitions(), topic.compacted());
        StringBuilder sb = new StringBuilder();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(bootstrap, raw)) {
            sb.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8))
                    .append('\n');
            r.headers()
                    .forEach(h -> sb.append(h.key())
                            .append('=')
                            .append(new String(h.value(), StandardCharsets.UTF_8))
                            .append('\n'));
        }
        return sb.toString();
    }

    static String headersText(List<ConsumerRecord<String, byte[]>> records) {
        StringBuilder sb = new StringBuilder();
        records.forEach(r -> r.headers()
                .forEach(h -> sb.append(h.key())
                        .append('=')
                        .append(new String(h.value(), StandardCharsets.UTF_8))
                        .append('\n')));
        return sb.toString();
    }

    static long entityCount(String connectionString, String offerId) {
        TableClient table = new TableClientBuilder()
                .connectionString(connectionString)
                .tableName("MarketplaceLeads")
                .buildClient();
        return table
                .listEntities(
                        new ListEntitiesOptions()
                                .setFilter("PartitionKey eq '" + offerId + "'")
                                .setSelect(List.of("RowKey")),
                        null,
                        null)
                .stream()
                .count();
    }

    record CliResult(int exitCode, String out, String err) {}

    /**
     * The operator key of the broker at {@code bootstrap}: made on first use ({@link TestKeys#operator}), the same
     * one after. Ask for it before starting ingest or status, so their key catalog holds it when they serve.
     */
    static String operatorKey(String bootstrap) {
        return OPERATOR_KEYS.computeIfAbsent(bootstrap, TestKeys::operator);
    }

    /** leadctl with the broker's operator key as {@code LEADPIPE_TOKEN}, in the current directory. */
    static Leadctl leadctlWithKey(String bootstrap) {
        return new Leadctl(
                Map.of(Leadctl.TOKEN_ENV, operatorKey(bootstrap)), Path.of(System.getProperty("user.dir", ".")));
    }

    /** leadctl {@code --bootstrap-servers bootstrap args...} in-process, sending the broker's operator key. */
    static CliResult leadctl(String bootstrap, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(leadctlWithKey(bootstrap))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", bootstrap));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        return new CliResult(code, out.toString(), err.toString());
    }
}
