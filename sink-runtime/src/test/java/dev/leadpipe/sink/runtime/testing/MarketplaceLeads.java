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
