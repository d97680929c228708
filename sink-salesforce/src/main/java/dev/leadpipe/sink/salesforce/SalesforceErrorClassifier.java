package dev.leadpipe.sink.salesforce;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpSupport;

/**
 * The one function from what Salesforce answered (or failed to answer) to a classified {@link DeliveryFailure}
 * ({@link #classify}), covering every Salesforce row of the error catalogue:
 *
 * <table>
 * <caption>signal → class</caption>
 * <tr><td>REST 400 {@code REQUIRED_FIELD_MISSING} naming a field the marketplace mapping does not fill (a required
 * picklist or any other custom field); {@code INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST}</td>
 * <td>SALESFORCE_REQUIRED_PICKLIST (the field's API name in the detail)</td></tr>
 * <tr><td>sign-in 400 {@code invalid_client}, {@code invalid_client_id}, {@code invalid_grant},
 * {@code unauthorized_client}, {@code unsupported_grant_type}; REST 401 {@code INVALID_SESSION_ID} (the client calls
 * this only after one token refresh); a private key that cannot be read</td><td>SALESFORCE_AUTH_FAILED</td></tr>
 * <tr><td>{@code REQUEST_LIMIT_EXCEEDED} (403); any 503 (REST, sign-in or Web-to-Lead), with its
 * {@code Retry-After}</td><td>SALESFORCE_LIMIT_EXCEEDED (transient)</td></tr>
 * <tr><td>300 Multiple Choices on the upsert: the external id matches several records</td>
 * <td>DESTINATION_HTTP_ERROR, status 300: permanent, never retried blindly</td></tr>
 * <tr><td>any other HTTP status</td><td>DESTINATION_HTTP_ERROR (transient for 408, 429, 5xx; Retry-After kept)</td></tr>
 * <tr><td>no answer in time, connection refused or reset, unknown host</td><td>UNKNOWN (transient), with a detail
 * naming only the stage and the exception type</td></tr>
 * </table>
 *
 * The detail keeps Salesforce's own {@code errorCode}, message and fields after {@link Redaction#redact} with the
 * destination's secret values (and any token or assertion passed in): never a secret, private key, token,
 * assertion or e-mail address.
 */
public final class SalesforceErrorClassifier {
    /** The Lead fields the marketplace mapping fills (a missing one of these is no configuration problem). */
    public static final Set<String> MAPPED_FIELDS = Set.of(
            "FirstName", "LastName", "Email", "Phone", "Company", "Title", "Country", "Description", "LeadSource");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the failure happened. */
    public enum Stage {
        /** The OAuth token endpoint ({@code /services/oauth2/token}). */
        SIGN_IN,
        /** The REST upsert of the Lead. */
        UPSERT,
        /** The Lead describe of the preflight. */
        DESCRIBE,
        /** The Web-to-Lead servlet. */
        WEB_TO_LEAD;

        String label() {
            return switch (this) {
                case SIGN_IN -> "Salesforce sign-in";
                case UPSERT -> "Salesforce Lead upsert";
                case DESCRIBE -> "Salesforce Lead describe";
                case WEB_TO_LEAD -> "Salesforce Web-to-Lead";
            };
        }
    }

    private SalesforceErrorClassifier() {}

    /**
     * An HTTP answer, classified.
     *
     * @param stage   where it came from
     * @param status  its HTTP status
     * @param body    its body (JSON error array, OAuth error object, HTML), may be null
     * @param headers its headers ({@code Retry-After}), may be null
     * @param secrets values to remove from the detail (secret settings, token, assertion)
     */
    public static DeliveryFailure classify(
            Stage stage, int status, String body, HttpHeaders headers, Collection<String> secrets) {
        Duration retryAfter = headers == null
                ? null
                : HttpSupport.retryAfter(headers.firstValue("Retry-After").orElse(null));
        if (stage == Stage.SIGN_IN) {
            JsonNode json = parse(body);
            String error = json != null ? json.path("error").asText(null) : null;
            String description = json != null ? json.path("error_description").asText(null) : null;
            String detail = stage.label() + ": HTTP " + status + (error != null ? " " + error : "") + ": "
                    + (description != null ? description : shorten(body));
            if (status == 503) {
                return DeliveryFailure.redacted(
                        ErrorClass.SALESFORCE_LIMIT_EXCEEDED, status, retryAfter, detail, secrets);
            }
            if (error != null
                            && Set.of(
                                            "invalid_client",
                                            "invalid_client_id",
                                            "invalid_grant",
                                            "unauthorized_client",
                                            "unsupported_grant_type",
                                            "invalid_request")
                                    .contains(error)
                    || status == 401) {
                return DeliveryFailure.redacted(ErrorClass.SALESFORCE_AUTH_FAILED, status, null, detail, secrets);
            }
            return DeliveryFailure.redacted(ErrorClass.DESTINATION_HTTP_ERROR, status, retryAfter, detail, secrets);
        }
        if (stage == Stage.WEB_TO_LEAD) {
            String detail = stage.label() + ": HTTP " + status + ": " + shorten(body);
            return DeliveryFailure.redacted(
                    status == 503 ? ErrorClass.SALESFORCE_LIMIT_EXCEEDED : ErrorClass.DESTINATION_HTTP_ERROR,
                    status,
                    retryAfter,
                    detail,
                    secrets);
        }
        if (status == 300) {
            JsonNode json = parse(body);
            int matches = json != null && json.isArray() ? json.size() : 0;
            return DeliveryFailure.redacted(
                    ErrorClass.DESTINATION_HTTP_ERROR,
                    300,
                    null,
                    stage.label()
                            + ": HTTP 300 Multiple Choices: the external id matches "
                            + (matches > 0 ? matches + " " : "several ")
                            + "Lead records; not retried: merge or delete the duplicates (or make the external id field"
                            + " unique), then replay the lead",
                    secrets);
        }
        List<SalesforceError> errors = errors(body);
        SalesforceError first = errors.isEmpty() ? null : errors.get(0);
        String detail =
                stage.label() + ": HTTP " + status + (first == null ? ": " + shorten(body) : ": " + describe(errors));
        for (SalesforceError e : errors) {
            if ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST".equals(e.code())) {
                return DeliveryFailure.redacted(
                        ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                        status,
                        null,
                        "restricted picklist "
                                + fieldsOrMessage(e)
                                + " refuses the value the marketplace sends: make it a text field or"
                                + " not restricted. " + detail,
                        secrets);
            }
            if ("REQUIRED_FIELD_MISSING".equals(e.code())) {
                List<String> unmapped = new ArrayList<>();
                e.fields().stream().filter(f -> !MAPPED_FIELDS.contains(f)).forEach(unmapped::add);
                if (!unmapped.isEmpty() || e.fields().isEmpty()) {
                    return DeliveryFailure.redacted(
                            ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                            status,
                            null,
                            "required field "
                                    + (unmapped.isEmpty() ? "(unnamed)" : String.join(", ", unmapped))
                                    + " cannot be filled from a marketplace lead: make it a text field or not required. "
                                    + detail,
                            secrets);
                }
            }
            if ("REQUEST_LIMIT_EXCEEDED".equals(e.code())) {
                return DeliveryFailure.redacted(
                        ErrorClass.SALESFORCE_LIMIT_EXCEEDED, status, retryAfter, detail, secrets);
            }
            if ("INVALID_SESSION_ID".equals(e.code())) {
                return DeliveryFailure.redacted(
                        ErrorClass.SALESFORCE_AUTH_FAILED,
                        status,
                        null,
                        detail + " (after a token refresh: the connected app's user cannot use the API)",
                        secrets);
            }
        }
        if (status == 503) {
            return DeliveryFailure.redacted(ErrorClass.SALESFORCE_LIMIT_EXCEEDED, status, retryAfter, detail, secrets);
        }
        if (status == 401) {
            return DeliveryFailure.redacted(ErrorClass.SALESFORCE_AUTH_FAILED, status, null, detail, secrets);
        }
        return DeliveryFailure.redacted(ErrorClass.DESTINATION_HTTP_ERROR, status, retryAfter, detail, secrets);
    }

    /** A failure without an HTTP answer (timeout, connection refused, unknown host), classified. */
    public static DeliveryFailure classify(Stage stage, Throwable error, Collection<String> secrets) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
                return DeliveryFailure.redacted(
                        ErrorClass.UNKNOWN,
                        0,
                        null,
                        stage.label() + ": could not connect (" + t.getClass().getSimpleName() + ")",
                        secrets);
            }
            if (HttpSupport.isTimeout(t)) {
                return DeliveryFailure.redacted(
                        ErrorClass.UNKNOWN,
                        0,
                        null,
                        stage.label() + ": no answer within the timeout ("
                                + t.getClass().getSimpleName() + ")",
                        secrets);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return DeliveryFailure.redacted(
                        ErrorClass.UNKNOWN,
                        0,
                        null,
                        stage.label() + ": the host does not resolve ("
                                + t.getClass().getSimpleName() + ")",
                        secrets);
            }
        }
        return DeliveryFailure.unexpected(stage.label() + ": ", error, SalesforceErrorClassifier::shorten, secrets);
    }

    /** A problem found before any call (a bad setting): the given class, no status. */
    static DeliveryFailure local(ErrorClass errorClass, String detail) {
        return new DeliveryFailure(errorClass, 0, null, detail);
    }

    record SalesforceError(String code, String message, List<String> fields) {}

    /** Salesforce's REST error array ({@code [{"message","errorCode","fields"}]}); empty when the body is not one. */
    static List<SalesforceError> errors(String body) {
        JsonNode json = parse(body);
        List<SalesforceError> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        List<JsonNode> items = new ArrayList<>();
        if (json.isArray()) {
            json.forEach(items::add);
        } else if (json.isObject() && json.has("errors")) {
            json.path("errors").forEach(items::add);
        }
        for (JsonNode item : items) {
            String code = item.path("errorCode").asText(item.path("statusCode").asText(null));
            List<String> fields = new ArrayList<>();
            item.path("fields").forEach(f -> fields.add(f.asText()));
            if (code != null) {
                out.add(new SalesforceError(code, item.path("message").asText(""), fields));
            }
        }
        return out;
    }

    private static String describe(List<SalesforceError> errors) {
        StringBuilder b = new StringBuilder();
        for (SalesforceError e : errors) {
            b.append(b.isEmpty() ? "" : "; ").append(e.code()).append(": ").append(e.message());
            if (!e.fields().isEmpty()) {
                b.append(" (fields ").append(String.join(", ", e.fields())).append(')');
            }
        }
        return b.toString();
    }

    private static String fieldsOrMessage(SalesforceError e) {
        return e.fields().isEmpty() ? "(see message)" : String.join(", ", e.fields());
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }

    /** Headers from a map, for callers (and tests) without an {@link java.net.http.HttpResponse}. */
    static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (k, v) -> true);
    }

    private static String shorten(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String flat = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        if (flat.isEmpty()) {
            return "(an HTML page)";
        }
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
