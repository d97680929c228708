package dev.leadpipe.sink.https;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.HttpsSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicWriter;

/** Leads, destinations and publishing for the sink-https tests. */
final class HttpsLeads {
    static final String CANARY_SIGNING_SECRET = "CANARY-signing-secret-9c4d2";

    private HttpsLeads() {}

    static LeadDestination destination(String offerId, String url, String signingSecret) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(HttpsSpec.URL, url);
        if (signingSecret != null) {
            s.put(HttpsSpec.SIGNING_SECRET, signingSecret);
        }
        return new LeadDestination(
                offerId,
                DestinationType.HTTPS,
                s,
                List.of("ops@contoso.example"),
                1,
                Instant.parse("2026-11-24T08:00:00Z"));
    }

    static void publishDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        TopicWriter.writeDestinations(bootstrap, destinations);
    }

    static void publishLeads(String bootstrap, List<Lead> leads) throws Exception {
        TopicWriter.writeLeads(bootstrap, Topics.DELIVERIES_HTTPS, leads, 0);
    }
}
