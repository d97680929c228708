package dev.leadpipe.sink.dynamics;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.DynamicsSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicWriter;

/** Leads, destinations and publishing for the sink-dynamics tests. */
final class DynamicsLeads {
    static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    static final String CANARY_SECRET = "CANARY-client-secret-7f3a9";
    static final String CANARY_PASSWORD = "CANARY-password-2b8e1";
    static final String USER = "leads.writer@contoso.example";

    private DynamicsLeads() {}

    static LeadDestination aad(String offerId, String instanceUrl, String tenant, String appId, String secret) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(DynamicsSpec.INSTANCE_URL, instanceUrl);
        s.put(DynamicsSpec.TENANT_ID, tenant);
        s.put(DynamicsSpec.APPLICATION_ID, appId);
        s.put(DynamicsSpec.CLIENT_SECRET, secret);
        return new LeadDestination(
                offerId,
                DestinationType.DYNAMICS,
                s,
                List.of("ops@contoso.example"),
                1,
                Instant.parse("2026-11-24T08:00:00Z"));
    }

    static LeadDestination office(String offerId, String instanceUrl, String user, String password) {
        return new LeadDestination(
                offerId,
                DestinationType.DYNAMICS,
                Map.of(
                        DynamicsSpec.INSTANCE_URL, instanceUrl,
                        DynamicsSpec.USER_NAME, user,
                        DynamicsSpec.PASSWORD, password),
                List.of("ops@contoso.example"),
                1,
                Instant.parse("2026-11-24T08:00:00Z"));
    }

    static void publishDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        TopicWriter.writeDestinations(bootstrap, destinations);
    }

    /** Publishes the leads to deliveries.dynamics; {@code replayCount} > 0 adds the replay header. */
    static void publishLeads(String bootstrap, List<Lead> leads, int replayCount) throws Exception {
        TopicWriter.writeLeads(bootstrap, Topics.DELIVERIES_DYNAMICS, leads, replayCount);
    }
}
