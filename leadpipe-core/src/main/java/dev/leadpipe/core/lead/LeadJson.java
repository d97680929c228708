package dev.leadpipe.core.lead;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a lead from the marketplace JSON shape (keys matched case-insensitively, every field optional,
 * unknown keys kept) and writes it back in canonical casing with the pipeline's own fields.
 * Reading reports every bad field at once as {@link FieldError}s instead of stopping at the first.
 */
public final class LeadJson {
    public static final String LEAD_ID = "leadId";
    public static final String OFFER_ID = "offerId";
    public static final String RECEIVED_AT = "receivedAt";
    public static final String TEST = "test";
    public static final String USER_DETAILS = "UserDetails";
    public static final String LEAD_SOURCE = "LeadSource";
    public static final String ACTION_CODE = "ActionCode";
    public static final String OFFER_TITLE = "OfferTitle";
    public static final String DESCRIPTION = "Description";

    static final List<String> USER_FIELDS =
            List.of("FirstName", "LastName", "Email", "Phone", "Country", "Company", "Title");
    private static final List<String> TOP_FIELDS = List.of(
            LEAD_ID, OFFER_ID, RECEIVED_AT, TEST, USER_DETAILS, LEAD_SOURCE, ACTION_CODE, OFFER_TITLE, DESCRIPTION);

    /** A caller-chosen lead id: letters, digits and {@code . _ : -}, up to 128 characters. */
    public static final Pattern LEAD_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** {@code publisherId.offerId}: two non-empty parts of letters, digits, {@code _ -} and further dots. */
    public static final Pattern OFFER_ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9._-]{1,128}");

    private static final Pattern EMAIL_PATTERN = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final int MAX_FIELD_LENGTH = 1024;
    private static final int MAX_DESCRIPTION_LENGTH = 8192;

    private LeadJson() {}

    /** The outcome of reading one lead: the lead when {@code errors} is empty. */
    public record Result(Lead lead, List<FieldError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Reads a lead from a topic or a file. Nothing here requires an offer id or a lead id. */
    public static Result read(JsonNode node) {
        return read(node, false);
    }

    /**
     * Reads a submitted lead, which must also name its offer: an explicit {@code offerId}, or a {@code LeadSource}
     * ending in {@code |publisherId.offerId}. Every problem, the missing offer included, is reported at once.
     */
    public static Result readForIngest(JsonNode node) {
        return read(node, true);
    }

    private static Result read(JsonNode node, boolean requireOfferId) {
        List<FieldError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            errors.add(new FieldError("", "a lead must be a JSON object"));
            return new Result(null, errors);
        }
        Map<String, JsonNode> known = new LinkedHashMap<>();
        Map<String, JsonNode> other = new LinkedHashMap<>();
        split(node, TOP_FIELDS, "", known, other, errors);

        UserDetails user = UserDetails.EMPTY;
        JsonNode userNode = known.get(USER_DETAILS);
        if (userNode != null && !userNode.isNull()) {
            if (!userNode.isObject()) {
                errors.add(new FieldError("/" + USER_DETAILS, "must be an object"));
            } else {
                Map<String, JsonNode> u = new LinkedHashMap<>();
                Map<String, JsonNode> uOther = new LinkedHashMap<>();
                String base = "/" + USER_DETAILS;
                split(userNode, USER_FIELDS, base, u, uOther, errors);
                String email = text(u, "Email", base, errors, MAX_FIELD_LENGTH);
                if (email != null
                        && !email.isBlank()
                        && !EMAIL_PATTERN.matcher(email.strip()).matches()) {
                    errors.add(new FieldError(base + "/Email", "is not an e-mail address"));
                }
                user = new UserDetails(
                        text(u, "FirstName", base, errors, MAX_FIELD_LENGTH),
                        text(u, "LastName", base, errors, MAX_FIELD_LENGTH),
                        email,
                        text(u, "Phone", base, errors, MAX_FIELD_LENGTH),
                        text(u, "Country", base, errors, MAX_FIELD_LENGTH),
                        text(u, "Company", base, errors, MAX_FIELD_LENGTH),
                        text(u, "Title", base, errors, MAX_FIELD_LENGTH),
                        uOther);
            }
        }
        String leadId = text(known, LEAD_ID, "", errors, MAX_FIELD_LENGTH);
        if (leadId != null && !LEAD_ID_PATTERN.matcher(leadId).matches()) {
            errors.add(new FieldError(
                    "/" + LEAD_ID, "must be 1-128 letters, digits or . _ : - (starting with a letter or digit)"));
        }
        String leadSource = text(known, LEAD_SOURCE, "", errors, MAX_FIELD_LENGTH);
        String offerId = text(known, OFFER_ID, "", errors, MAX_FIELD_LENGTH);
        if (offerId != null && !OFFER_ID_PATTERN.matcher(offerId).matches()) {
            errors.add(new FieldError("/" + OFFER_ID, "must be publisherId.offerId (letters, digits, _ - and dots)"));
        }
        if (offerId == null) {
            String fromSource = LeadSource.parse(leadSource).offerId();
            if (fromSource != null && OFFER_ID_PATTERN.matcher(fromSource).matches()) {
                offerId = fromSource;
            }
        }
        if (requireOfferId
                && offerId == null
                && errors.stream().noneMatch(e -> e.pointer().equals("/" + OFFER_ID))) {
            errors.add(new FieldError(
                    "/" + OFFER_ID, "is required: give offerId, or a LeadSource ending in |publisherId.offerId"));
        }
        Instant receivedAt = null;
        JsonNode at = known.get(RECEIVED_AT);
        if (at != null && !at.isNull()) {
            try {
                receivedAt = parseInstant(at.asText());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("/" + RECEIVED_AT, "must be an ISO-8601 instant"));
            }
        }
        String actionCode = text(known, ACTION_CODE, "", errors, MAX_FIELD_LENGTH);
        String offerTitle = text(known, OFFER_TITLE, "", errors, MAX_FIELD_LENGTH);
        String description = text(known, DESCRIPTION, "", errors, MAX_DESCRIPTION_LENGTH);
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        boolean test = isTestLead(user, leadSource, actionCode, offerTitle, description);
        return new Result(
                new Lead(
                        leadId,
                        offerId,
                        receivedAt,
                        test,
                        user,
                        leadSource,
                        actionCode,
                        offerTitle,
                        description,
                        other),
                errors);
    }

    /**
     * {@link Instant#parse}: the form {@link Instant#toString} writes ({@code 2026-03-01T10:00:00.123Z}, 4-digit year,
     * 0 to 9 fraction digits) read directly, every other form (and every invalid value) by {@link Instant#parse}, which
     * throws {@link DateTimeParseException} for what it cannot read.
     */
    static Instant parseInstant(String text) {
        int n = text.length();
        if (n < 20
                || n > 30
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || text.charAt(n - 1) != 'Z'
                || (n > 20 && (text.charAt(19) != '.' || n == 21))) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return Instant.parse(text);
            }
            nanos = fraction;
            for (int k = n - 1 - 20; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return Instant.parse(text);
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Instant.parse(text);
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The canonical JSON of a lead: the marketplace's casing, the pipeline's fields, unknown fields kept. */
    public static ObjectNode write(Lead lead) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        putIfPresent(root, LEAD_ID, lead.leadId());
        putIfPresent(root, OFFER_ID, lead.offerId());
        if (lead.receivedAt() != null) {
            root.put(RECEIVED_AT, lead.receivedAt().toString());
        }
        root.put(TEST, lead.test());
        root.set(USER_DETAILS, writeUser(lead.userDetails()));
        putIfPresent(root, LEAD_SOURCE, lead.leadSource());
        putIfPresent(root, ACTION_CODE, lead.actionCode());
        putIfPresent(root, OFFER_TITLE, lead.offerTitle());
        putIfPresent(root, DESCRIPTION, lead.description());
        lead.otherFields().forEach(root::set);
        return root;
    }

    /** The marketplace's own shape (no pipeline fields), as a destination such as an HTTPS endpoint expects it. */
    public static ObjectNode writeMarketplaceShape(Lead lead) {
        ObjectNode root = write(lead);
        root.remove(List.of(LEAD_ID, OFFER_ID, RECEIVED_AT, TEST));
        return root;
    }

    /** {@code UserDetails} alone in the marketplace casing, unknown fields kept. */
    public static ObjectNode writeUser(UserDetails u) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        putIfPresent(node, "FirstName", u.firstName());
        putIfPresent(node, "LastName", u.lastName());
        putIfPresent(node, "Email", u.email());
        putIfPresent(node, "Phone", u.phone());
        putIfPresent(node, "Country", u.country());
        putIfPresent(node, "Company", u.company());
        putIfPresent(node, "Title", u.title());
        u.otherFields().forEach(node::set);
        return node;
    }

    private static boolean isTestLead(UserDetails u, String... more) {
        for (String s : new String[] {u.firstName(), u.lastName(), u.email(), u.company(), u.title()}) {
            if (s != null && s.startsWith(Lead.TEST_LEAD_PREFIX)) {
                return true;
            }
        }
        for (String s : more) {
            if (s != null && s.startsWith(Lead.TEST_LEAD_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private static void split(
            JsonNode object,
            List<String> knownNames,
            String base,
            Map<String, JsonNode> known,
            Map<String, JsonNode> other,
            List<FieldError> errors) {
        Map<String, String> byLower = new LinkedHashMap<>();
        knownNames.forEach(n -> byLower.put(n.toLowerCase(Locale.ROOT), n));
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String canonical = byLower.get(field.getKey().toLowerCase(Locale.ROOT));
            if (canonical == null) {
                other.put(field.getKey(), field.getValue());
            } else if (known.putIfAbsent(canonical, field.getValue()) != null) {
                errors.add(
                        new FieldError(base + "/" + canonical, "appears more than once (keys are case-insensitive)"));
            }
        }
    }

    private static String text(
            Map<String, JsonNode> fields, String name, String base, List<FieldError> errors, int maxLength) {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            errors.add(new FieldError(base + "/" + name, "must be a string"));
            return null;
        }
        String text = value.asText();
        if (text.length() > maxLength) {
            errors.add(new FieldError(base + "/" + name, "is longer than " + maxLength + " characters"));
            return null;
        }
        return text;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
