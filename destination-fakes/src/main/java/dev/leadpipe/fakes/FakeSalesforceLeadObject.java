package dev.leadpipe.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lead object of a {@link FakeSalesforce}: its standard fields, the external id
 * {@value FakeSalesforce#EXTERNAL_ID_FIELD} and the picklists added to it. Answers its describe JSON (what
 * {@code GET .../sobjects/Lead/describe} returns) and checks a lead's values against it, for both the REST upsert
 * ({@link #badPicklistValue}, {@link #missingOnCreate}) and Web-to-Lead ({@link #acceptsForm}). Thread-safe.
 */
final class FakeSalesforceLeadObject {
    /** The fields a lead must have when it is created, besides the required picklists. */
    private static final List<String> REQUIRED_ON_CREATE = List.of("LastName", "Company");

    /** One picklist field added to the Lead object. */
    record Picklist(String name, String label, List<String> values, boolean required, boolean restricted) {}

    private final Map<String, Picklist> picklists = new ConcurrentHashMap<>();

    /** Adds a required, restricted picklist. */
    void requirePicklist(String name, String label, List<String> values) {
        picklists.put(name, new Picklist(name, label, values, true, true));
    }

    /** Makes a picklist (e.g. the standard {@code LeadSource}) restricted to these values, not required. */
    void restrictPicklist(String name, List<String> values) {
        picklists.put(name, new Picklist(name, name, values, false, true));
    }

    /** The first restricted picklist whose value in {@code fields} is not one of its values; null if there is none. */
    Picklist badPicklistValue(Map<String, Object> fields) {
        for (Picklist p : picklists.values()) {
            Object v = fields.get(p.name());
            if (v != null && p.restricted() && !p.values().contains(String.valueOf(v))) {
                return p;
            }
        }
        return null;
    }

    /** The fields a new lead must have that {@code fields} leaves blank: LastName, Company, then required picklists. */
    List<String> missingOnCreate(Map<String, Object> fields) {
        List<String> missing = new ArrayList<>();
        for (String required : REQUIRED_ON_CREATE) {
            if (blank(fields.get(required))) {
                missing.add(required);
            }
        }
        picklists.values().stream()
                .filter(Picklist::required)
                .map(Picklist::name)
                .sorted()
                .filter(n -> blank(fields.get(n)))
                .forEach(missing::add);
        return missing;
    }

    /** Whether a Web-to-Lead form fills every required picklist, each restricted one with one of its values. */
    boolean acceptsForm(Map<String, String> form) {
        return picklists.values().stream().allMatch(p -> {
            String v = form.get(p.name());
            if (v == null || v.isBlank()) {
                return !p.required();
            }
            return !p.restricted() || p.values().contains(v);
        });
    }

    /**
     * The describe JSON: the standard fields (the do-not-contact checkboxes {@code HasOptedOutOfEmail},
     * {@code DoNotCall}, {@code HasOptedOutOfFax} among them: not nillable, defaulted false), {@code LeadSource} (with its restricted values if restricted),
     * {@code Status}, the external id, then every other picklist added, by name.
     */
    String describeJson() {
        StringBuilder fields = new StringBuilder();
        field(fields, "Id", "Lead ID", "id", false, false, true, null);
        field(fields, "LastName", "Last Name", "string", false, true, false, null);
        field(fields, "FirstName", "First Name", "string", true, true, false, null);
        field(fields, "Company", "Company", "string", false, true, false, null);
        field(fields, "Title", "Title", "string", true, true, false, null);
        field(fields, "Email", "Email", "email", true, true, false, null);
        field(fields, "Phone", "Phone", "phone", true, true, false, null);
        field(fields, "Country", "Country", "string", true, true, false, null);
        field(fields, "Description", "Description", "textarea", true, true, false, null);
        field(fields, "HasOptedOutOfEmail", "Email Opt Out", "boolean", false, true, true, null);
        field(fields, "DoNotCall", "Do Not Call", "boolean", false, true, true, null);
        field(fields, "HasOptedOutOfFax", "Fax Opt Out", "boolean", false, true, true, null);
        Picklist leadSource = picklists.get("LeadSource");
        field(
                fields,
                "LeadSource",
                "Lead Source",
                "picklist",
                true,
                true,
                false,
                leadSource != null
                        ? leadSource.values()
                        : List.of("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"));
        field(
                fields,
                "Status",
                "Lead Status",
                "picklist",
                false,
                true,
                true,
                List.of("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"));
        field(fields, FakeSalesforce.EXTERNAL_ID_FIELD, "Leadpipe Lead Id", "string", true, true, false, null);
        picklists.values().stream()
                .filter(p -> !p.name().equals("LeadSource"))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(p -> field(fields, p.name(), p.label(), "picklist", !p.required(), true, false, p.values()));
        return "{\"name\":\"Lead\",\"label\":\"Lead\",\"createable\":true,\"updateable\":true,\"fields\":[" + fields
                + "]}";
    }

    private static void field(
            StringBuilder out,
            String name,
            String label,
            String type,
            boolean nillable,
            boolean createable,
            boolean defaulted,
            List<String> values) {
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append("{\"name\":")
                .append(FakeHttp.json(name))
                .append(",\"label\":")
                .append(FakeHttp.json(label))
                .append(",\"type\":")
                .append(FakeHttp.json(type))
                .append(",\"nillable\":")
                .append(nillable)
                .append(",\"createable\":")
                .append(createable)
                .append(",\"defaultedOnCreate\":")
                .append(defaulted)
                .append(",\"externalId\":")
                .append(name.equals(FakeSalesforce.EXTERNAL_ID_FIELD))
                .append(",\"picklistValues\":[");
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                out.append(i > 0 ? "," : "")
                        .append("{\"value\":")
                        .append(FakeHttp.json(values.get(i)))
                        .append(",\"label\":")
                        .append(FakeHttp.json(values.get(i)))
                        .append(",\"active\":true}");
            }
        }
        out.append("]}");
    }

    private static boolean blank(Object v) {
        return v == null || String.valueOf(v).isBlank();
    }
}
