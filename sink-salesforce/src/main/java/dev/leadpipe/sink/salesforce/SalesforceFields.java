package dev.leadpipe.sink.salesforce;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadSource;
import dev.leadpipe.sink.runtime.LeadFields;

/**
 * The field mapping of {@link SalesforceDestinationClient} (its class comment has the table): one list serves the
 * REST Lead body and the Web-to-Lead form, so the two routes cannot drift apart.
 */
final class SalesforceFields {
    /** The Lead's LeadSource is a picklist of 40 characters (Salesforce's Lead field reference). */
    static final int LEAD_SOURCE_MAX = 40;

    /**
     * One mapped field: its Lead API name, its Web-to-Lead form name, Salesforce's length, the value sent on both
     * routes and the one REST sends (which fills what the Lead object requires).
     */
    record Field(String rest, String form, int max, Function<Lead, String> value, Function<Lead, String> restValue) {
        Field(String rest, String form, int max, Function<Lead, String> value) {
            this(rest, form, max, value, value);
        }
    }

    static final List<Field> FIELDS = List.of(
            new Field("FirstName", "first_name", 40, l -> l.userDetails().firstName()),
            new Field(
                    "LastName",
                    "last_name",
                    80,
                    l -> l.userDetails().lastName(),
                    l -> orPlaceholder(l.userDetails().lastName())),
            new Field("Email", "email", 80, l -> l.userDetails().email()),
            new Field("Phone", "phone", 40, l -> l.userDetails().phone()),
            new Field(
                    "Company",
                    "company",
                    255,
                    l -> l.userDetails().company(),
                    l -> orPlaceholder(l.userDetails().company())),
            new Field("Title", "title", 128, l -> l.userDetails().title()),
            new Field("Country", "country", 80, l -> l.userDetails().country()),
            new Field(
                    "Description",
                    "description",
                    32_000,
                    SalesforceFields::formDescription,
                    l -> l.description() != null && !l.description().isBlank()
                            ? l.description()
                            : LeadFields.subject(l)),
            new Field(
                    "LeadSource",
                    "lead_source",
                    LEAD_SOURCE_MAX,
                    SalesforceFields::formLeadSource,
                    SalesforceFields::leadSource));

    /**
     * The Lead's do-not-contact checkboxes, by API name (REST, set true) and Web-to-Lead form name (the names
     * Salesforce's generated Web-to-Lead form gives them, sent {@code 1} as a checked box is): sent for a
     * do-not-contact (DNC) lead only, so a publisher's own choice on the record is never overwritten.
     */
    static final List<Checkbox> DO_NOT_CONTACT = List.of(
            new Checkbox("HasOptedOutOfEmail", "emailOptOut"),
            new Checkbox("DoNotCall", "doNotCall"),
            new Checkbox("HasOptedOutOfFax", "faxOptOut"));

    /** A Lead checkbox: its API name and its Web-to-Lead form name. */
    record Checkbox(String rest, String form) {}

    private SalesforceFields() {}

    /** The REST Lead body. */
    static byte[] body(Lead lead) {
        ObjectNode row = LeadFields.row();
        for (Field f : FIELDS) {
            LeadFields.put(row, f.rest(), f.restValue().apply(lead), f.max());
        }
        if (DoNotContactLeads.applies(lead)) {
            DO_NOT_CONTACT.forEach(box -> row.put(box.rest(), true));
        }
        return LeadFields.bytes(row);
    }

    /** Adds the lead's Web-to-Lead form fields; absent values are not sent. */
    static void putForm(Map<String, String> form, Lead lead) {
        for (Field f : FIELDS) {
            String value = f.value().apply(lead);
            if (value != null && !value.isBlank()) {
                form.put(f.form(), LeadFields.cut(value, f.max()));
            }
        }
        if (DoNotContactLeads.applies(lead)) {
            DO_NOT_CONTACT.forEach(box -> form.put(box.form(), "1"));
        }
    }

    /**
     * Web-to-Lead's {@code lead_source}: the whole marketplace LeadSource ({@code Source-Action|publisher.offer}) when
     * it fits {@value #LEAD_SOURCE_MAX} characters; a longer one is not cut mid-offer (a cut offer id would name
     * another offer): its {@code Source-Action} part is sent (cut to {@value #LEAD_SOURCE_MAX}), and the whole value goes
     * into the description ({@link #formDescription}). No LeadSource: {@value SalesforceDestinationClient#DEFAULT_LEAD_SOURCE}.
     */
    static String formLeadSource(Lead lead) {
        String whole = wholeLeadSource(lead);
        if (whole == null) {
            return SalesforceDestinationClient.DEFAULT_LEAD_SOURCE;
        }
        if (whole.length() <= LEAD_SOURCE_MAX) {
            return whole;
        }
        int bar = whole.indexOf('|');
        String sourceAndAction = bar > 0 ? whole.substring(0, bar).trim() : whole;
        return LeadFields.cut(sourceAndAction, LEAD_SOURCE_MAX);
    }

    /**
     * Web-to-Lead's {@code description}: the lead's Description, followed on a line of its own by
     * {@code LeadSource: <whole value>} when the LeadSource is longer than {@code lead_source} takes.
     */
    static String formDescription(Lead lead) {
        String whole = wholeLeadSource(lead);
        String description = lead.description();
        if (whole == null || whole.length() <= LEAD_SOURCE_MAX) {
            return description;
        }
        String note = "LeadSource: " + whole;
        return description == null || description.isBlank() ? note : description + "\n" + note;
    }

    private static String wholeLeadSource(Lead lead) {
        String raw = lead.leadSource();
        return raw == null || raw.isBlank() ? null : raw.trim();
    }

    /**
     * REST's LeadSource (the org's picklist may be restricted to its own values): the LeadSource's source part (AzureMarketplace, AppSource, AzurePortal, ...), else
     * {@value SalesforceDestinationClient#DEFAULT_LEAD_SOURCE}.
     */
    static String leadSource(Lead lead) {
        LeadSource source = lead.parsedLeadSource();
        return source.source() != null ? source.source() : SalesforceDestinationClient.DEFAULT_LEAD_SOURCE;
    }

    private static String orPlaceholder(String value) {
        return value == null || value.isBlank() ? SalesforceDestinationClient.PLACEHOLDER : value;
    }
}
