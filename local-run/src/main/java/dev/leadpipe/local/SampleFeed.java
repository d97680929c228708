package dev.leadpipe.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.json.Json;

/**
 * The sample feed's trip through the local pipeline and what is printed of each lead's fate. Follows the outcome
 * topics from construction on (an {@link OutcomeWatcher}, closed with this); {@link #postAndPrintTable} posts
 * {@code <samples>/sample-feed.ndjson} as one NDJSON batch, waits (at most 90 s) until every accepted lead has
 * settled, and prints the {@link OutcomeTable}. Until then only leads not in the feed get a live line; from then on
 * every new fate does (a replayed lead delivered, a new lead's outcome).
 */
final class SampleFeed implements AutoCloseable {
    private static final Duration FEED_TIMEOUT = Duration.ofSeconds(90);

    private final Map<String, Integer> firstIndexOf = new ConcurrentHashMap<>();
    private final AtomicBoolean tablePrinted = new AtomicBoolean();
    private final OutcomeWatcher watcher;

    SampleFeed(KafkaConnection bootstrap) {
        this.watcher = new OutcomeWatcher(bootstrap, fate -> {
            if (tablePrinted.get() || !firstIndexOf.containsKey(fate.leadId())) {
                System.out.println(OutcomeTable.liveLine(fate));
            }
        });
    }

    /**
     * Posts the sample feed to the ingest API at {@code ingestUrl} with the feed's API key and prints the table of
     * what became of it.
     */
    void postAndPrintTable(Path samples, String ingestUrl, String feedKey) throws Exception {
        List<String> feed = Files.readAllLines(samples.resolve("sample-feed.ndjson")).stream()
                .filter(l -> !l.isBlank())
                .toList();
        HttpResponse<String> posted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/leads/batch"))
                                .header("Content-Type", "application/x-ndjson")
                                .header("Authorization", "Bearer " + feedKey)
                                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", feed)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode items = Json.MAPPER.readTree(posted.body()).path("items");
        System.out.printf(
                "%nPosted the sample feed: %d leads in one NDJSON batch -> HTTP %d%n",
                feed.size(), posted.statusCode());

        Map<Integer, JsonNode> itemByIndex = new LinkedHashMap<>();
        items.forEach(item -> itemByIndex.put(item.path("index").asInt(), item));
        for (int i = 0; i < feed.size(); i++) {
            JsonNode item = itemByIndex.get(i);
            if (item != null && item.hasNonNull("leadId")) {
                firstIndexOf.putIfAbsent(item.get("leadId").asText(), i);
            }
        }
        long deadline = System.nanoTime() + FEED_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline
                && !firstIndexOf.keySet().stream().allMatch(id -> settled(watcher.fate(id)))) {
            Thread.sleep(200);
        }
        Thread.sleep(500); // let a dead-letter record's outcome twin arrive
        System.out.println();
        System.out.println(OutcomeTable.render(feed.size(), itemByIndex, firstIndexOf, watcher::fate));
        tablePrinted.set(true);
    }

    /** Whether a lead's fate is final for this run: a terminal outcome, or waiting on a topic no local sink reads. */
    private static boolean settled(LeadFate fate) {
        return fate != null && (fate.terminal() || !LocalDestinations.SINK_TOPICS.contains(fate.deliveryTopic()));
    }

    @Override
    public void close() {
        watcher.close();
    }
}
