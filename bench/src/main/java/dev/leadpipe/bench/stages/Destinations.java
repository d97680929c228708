package dev.leadpipe.bench.stages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Offers with https destinations, written straight to {@code lead-destinations} as ingest would save them. */
final class Destinations {
    private Destinations() {}

    /**
     * Saves {@code count} offers {@code <prefix>.offer-<n>}, each posting to {@code url}/n, the URL (a secret setting)
     * encrypted with {@code keyring} when one is given, and answers their offer ids once written.
     */
    static List<String> httpsOffers(Bench bench, String prefix, int count, String url, SecretKeyring keyring)
            throws Exception {
        TopicSpec<String, LeadDestination> topic = Topics.LEAD_DESTINATIONS;
        List<String> offers = new ArrayList<>();
        try (KafkaProducer<String, LeadDestination> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bench.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (int n = 0; n < count; n++) {
                String offer = prefix + ".offer-" + n;
                LeadDestination d = new LeadDestination(
                        offer, DestinationType.HTTPS, Map.of("url", url + "/" + n), List.of(), 1, Instant.now());
                if (keyring != null) {
                    d = keyring.encryptSecrets(d);
                }
                producer.send(new ProducerRecord<>(topic.name(), offer, d)).get();
                offers.add(offer);
            }
        }
        return offers;
    }

    /** {@link #httpsOffers(Bench, String, int, String, SecretKeyring)} unencrypted: for the router, which reads the type only. */
    static List<String> httpsOffers(Bench bench, String prefix, int count, String url) throws Exception {
        return httpsOffers(bench, prefix, count, url, null);
    }
}
