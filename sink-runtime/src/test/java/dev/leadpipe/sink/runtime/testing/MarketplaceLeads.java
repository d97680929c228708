package dev.leadpipe.sink.runtime.testing;

import java.io.IOException;

import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;

/** The lead the sink tests deliver: a marketplace install lead as ingest reads it, with the customer's full details. */
public final class MarketplaceLeads {
    /** The customer's address in every such lead. */
    public static final String EMAIL = "mei.lin@contoso.example";

    private MarketplaceLeads() {}

    /**
     * A lead of {@code offerId} with this LeadSource and ActionCode (either may be null: left out), and the
     * Description {@code "lead <leadId>"} (so a destination that keeps no leadId, Web-to-Lead, can be searched for
     * it); otherwise as {@link #lead(String, String)}.
     */
    public static Lead lead(String leadId, String offerId, String leadSource, String actionCode) {
        com.fasterxml.jackson.databind.node.ObjectNode json;
        try {
            json = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Json.MAPPER.readTree("""
                    {"leadId": "%s", "offerId": "%s", "receivedAt": "2026-11-24T08:15:30.123Z",
                     "UserDetails": {"FirstName": "Mei", "LastName": "Lin", "Email": "%s",
                                     "Phone": "+886 2 1234 5678", "Country": "TW", "Company": "Contoso", "Title": "CTO"},
                     "OfferTitle": "Contoso Widget SaaS", "Description": "lead %s"}
                    """.formatted(leadId, offerId, EMAIL, leadId));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        if (leadSource != null) {
            json.put("LeadSource", leadSource);
        }
        if (actionCode != null) {
            json.put("ActionCode", actionCode);
        }
        LeadJson.Result result = LeadJson.read(json);
        if (!result.ok()) {
            throw new IllegalArgumentException(result.errors().toString());
        }
        return result.lead();
    }

    /** An install lead ({@code INS}) of {@code offerId}, received 2026-11-24T08:15:30.123Z, read as ingest reads it. */
    public static Lead lead(String leadId, String offerId) {
        try {
            LeadJson.Result result = LeadJson.read(Json.MAPPER.readTree("""
                    {"leadId": "%s", "offerId": "%s", "receivedAt": "2026-11-24T08:15:30.123Z",
                     "UserDetails": {"FirstName": "Mei", "LastName": "Lin", "Email": "%s",
                                     "Phone": "+886 2 1234 5678", "Country": "TW", "Company": "Contoso", "Title": "CTO"},
                     "LeadSource": "AzureMarketplace-INS|contoso.widget-saas", "ActionCode": "INS",
                     "OfferTitle": "Contoso Widget SaaS", "Description": "Install of the widget"}
                    """.formatted(leadId, offerId, EMAIL)));
            if (!result.ok()) {
                throw new IllegalArgumentException(result.errors().toString());
            }
            return result.lead();
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
