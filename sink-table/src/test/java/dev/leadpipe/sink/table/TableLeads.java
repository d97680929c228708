package dev.leadpipe.sink.table;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.TableSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;

/** Leads and destinations for the sink-table tests. */
final class TableLeads {
    static final String OFFER_ID = "contoso.widget-saas";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TableLeads() {}

    /** A lead read from the marketplace's JSON shape, as the sink receives it from its delivery topic. */
    static Lead lead(String leadId, String company) {
        return lead(leadId, company, OFFER_ID);
    }

    static Lead lead(String leadId, String company, String offerId) {
        return read("""
                {"leadId": "%s", "offerId": "%s", "receivedAt": "2026-11-24T08:15:30.123Z",
                 "UserDetails": {"FirstName": "Mei", "LastName": "Lin", "Email": "mei.lin@contoso.example",
                                 "Phone": "+886 2 1234 5678", "Country": "TW", "Company": "%s", "Title": "CTO"},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget-saas", "ActionCode": "INS",
                 "OfferTitle": "Contoso Widget SaaS", "Description": "Install of the widget"}
                """.formatted(leadId, offerId, company));
    }

    /** A lead of {@link #OFFER_ID} with this LeadSource and ActionCode, either left out when null. */
    static Lead withAction(String leadId, String leadSource, String actionCode) {
        com.fasterxml.jackson.databind.node.ObjectNode json = JSON.createObjectNode()
                .put("leadId", leadId)
                .put("offerId", OFFER_ID)
                .put("receivedAt", "2026-11-24T08:15:30.123Z")
                .put("OfferTitle", "Contoso Widget SaaS");
        json.putObject("UserDetails").put("FirstName", "Mei").put("Email", "mei.lin@contoso.example");
        if (leadSource != null) {
            json.put("LeadSource", leadSource);
        }
        if (actionCode != null) {
            json.put("ActionCode", actionCode);
        }
        return read(json.toString());
    }

    static Lead read(String json) {
        try {
            LeadJson.Result result = LeadJson.read(JSON.readTree(json));
            if (!result.ok()) {
                throw new IllegalArgumentException(result.errors().toString());
            }
            return result.lead();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static LeadDestination destination(String connectionString) {
        return destination(OFFER_ID, connectionString);
    }

    static LeadDestination destination(String offerId, String connectionString) {
        return new LeadDestination(
                offerId,
                DestinationType.TABLE,
                connectionString == null ? Map.of() : Map.of(TableSpec.CONNECTION_STRING, connectionString),
                List.of("ops@contoso.example"),
                1,
                Instant.parse("2026-11-24T08:00:00Z"));
    }
}
