package dev.leadpipe.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.router.RouterApp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Configures the sample offers' destinations ({@code <samples>/destinations/<offerId>.json}, pointed at the local
 * stand-ins) through the ingest API's {@code PUT /v1/offers/{offerId}/lead-destination}, printing each as the API
 * returns it (secrets masked). A type the API no longer accepts (blob) is written straight to the compacted topic, as
 * a configuration from before it was retired. Returns once the router routes by every destination saved, so the feed
 * posted next is not dead-lettered NO_DESTINATION_CONFIGURED.
 */
final class SampleDestinations {
    private SampleDestinations() {}

    static void configure(
            Path samples,
            LocalDestinations destinations,
            String ingestUrl,
            LocalKeys keys,
            KafkaConnection kafka,
            RouterApp router)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Long> savedVersions = new LinkedHashMap<>();
        System.out.println();
        System.out.println("Sample destinations (secrets masked, as the API returns them):");
        for (Path file : destinationFiles(samples)) {
            String offerId = file.getFileName().toString().replaceFirst("\\.json$", "");
            String requestBody = destinations.fillIn(Files.readString(file));
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/offers/" + offerId + "/lead-destination"))
                            .header("Content-Type", "application/json")
                            .header(
                                    "Authorization",
                                    "Bearer "
                                            + keys.publishers()
                                                    .getOrDefault(
                                                            offerId.substring(0, offerId.indexOf('.')),
                                                            keys.operator()))
                            .PUT(HttpRequest.BodyPublishers.ofString(requestBody))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 422
                    && body.path("errors").path(0).path("pointer").asText().equals("/type")) {
                // blob: the API refuses it now; offers configured before it was retired still have one on the topic
                writeLegacyDestination(kafka, Json.MAPPER.readValue(requestBody, LeadDestination.class), offerId);
                savedVersions.put(offerId, 1L);
                System.out.printf(
                        "  %-34s %-11s refused by the API (%s); stored straight on the topic as a configuration from before%n",
                        offerId, "blob", "no longer supported");
                continue;
            }
            System.out.printf(
                    "  %-34s %-11s %s%n",
                    offerId, body.path("type").asText("HTTP " + r.statusCode()), body.path("settings"));
            if (body.hasNonNull("version")) {
                savedVersions.put(offerId, body.get("version").asLong());
            }
        }
        awaitRouterHas(router, savedVersions);
        System.out.printf("  %-34s (none: this offer has no destination on purpose)%n", "tailspin.noconfig-offer");
    }

    /**
     * Waits until the router routes by every destination just saved, so the sample feed posted next does not meet a
     * router whose global table is still catching up (its leads would be dead-lettered NO_DESTINATION_CONFIGURED).
     */
    private static void awaitRouterHas(RouterApp router, Map<String, Long> versions) throws InterruptedException {
        for (Map.Entry<String, Long> saved : versions.entrySet()) {
            if (!router.awaitDestination(saved.getKey(), saved.getValue(), Duration.ofSeconds(30))) {
                System.out.println("warning: the router has not yet seen " + saved.getKey() + "'s destination;"
                        + " its leads may be dead-lettered NO_DESTINATION_CONFIGURED (replay them with leadctl)");
            }
        }
    }

    /** Writes an offer's destination straight to the compacted topic, bypassing the API's checks. */
    private static void writeLegacyDestination(KafkaConnection kafka, LeadDestination parsed, String offerId)
            throws Exception {
        LeadDestination legacy = new LeadDestination(
                offerId,
                parsed.type(),
                parsed.settings(),
                parsed.contactEmails(),
                1,
                Instant.parse("2020-01-01T00:00:00Z"));
        try (var producer = new KafkaProducer<>(
                kafka.clientProperties(),
                Topics.LEAD_DESTINATIONS.keySerde().serializer(),
                Topics.LEAD_DESTINATIONS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.LEAD_DESTINATIONS.name(), offerId, legacy))
                    .get();
        }
    }

    private static List<Path> destinationFiles(Path samples) throws IOException {
        try (Stream<Path> files = Files.list(samples.resolve("destinations"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
