package dev.leadpipe.sink.salesforce;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.sink.runtime.testing.MarketplaceLeads;

/** Leads, destinations, keys and publishing for the sink-salesforce tests. */
final class SalesforceLeads {
    static final String CANARY_SECRET = "CANARY-sf-client-secret-9c1d";
    static final String USER = "integration.user@contoso.example";
    static final String EMAIL = MarketplaceLeads.EMAIL;

    private SalesforceLeads() {}

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(KeyPair keys) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    static LeadDestination clientCredentials(String offerId, String loginUrl, String clientId, String secret) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(SalesforceSpec.LOGIN_URL, loginUrl);
        s.put(SalesforceSpec.CLIENT_ID, clientId);
        s.put(SalesforceSpec.CLIENT_SECRET, secret);
        return destination(offerId, s);
    }

    static LeadDestination jwt(String offerId, String loginUrl, String clientId, String user, String pem) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(SalesforceSpec.LOGIN_URL, loginUrl);
        s.put(SalesforceSpec.CLIENT_ID, clientId);
        s.put(SalesforceSpec.USER_NAME, user);
        s.put(SalesforceSpec.PRIVATE_KEY, pem);
        return destination(offerId, s);
    }

    static LeadDestination webToLead(String offerId, String webToLeadUrl, String orgId) {
        return destination(
                offerId, Map.of(SalesforceSpec.WEB_TO_LEAD_URL, webToLeadUrl, SalesforceSpec.ORGANIZATION_ID, orgId));
    }

    static LeadDestination destination(String offerId, Map<String, String> settings) {
        return new LeadDestination(
                offerId,
                DestinationType.SALESFORCE,
                settings,
                List.of("ops@contoso.example"),
                1,
                Instant.parse("2026-11-24T08:00:00Z"));
    }

    static void publishDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        TopicWriter.writeDestinations(bootstrap, destinations);
    }

    /** Publishes the leads to deliveries.salesforce; {@code replayCount} > 0 adds the replay header. */
    static void publishLeads(String bootstrap, List<Lead> leads, int replayCount) throws Exception {
        TopicWriter.writeLeads(bootstrap, Topics.DELIVERIES_SALESFORCE, leads, replayCount);
    }
}
