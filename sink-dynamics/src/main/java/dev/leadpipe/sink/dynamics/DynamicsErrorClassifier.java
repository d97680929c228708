package dev.leadpipe.sink.dynamics;

import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpSupport;

/**
 * The one function from what Azure AD or Dataverse answered to a classified {@link DeliveryFailure}
 * ({@link #classify}), covering every Dynamics / Azure AD row of the error catalogue:
 *
 * <table>
 * <caption>signal → class</caption>
 * <tr><td>sign-in: {@code AADSTS90002}</td><td>AAD_TENANT_NOT_FOUND</td></tr>
 * <tr><td>sign-in: {@code AADSTS900023}</td><td>AAD_TENANT_ID_INVALID_FORMAT</td></tr>
 * <tr><td>sign-in: {@code AADSTS700016}</td><td>AAD_APP_NOT_FOUND</td></tr>
 * <tr><td>sign-in: {@code AADSTS7000215}, {@code AADSTS7000222}</td><td>AAD_INVALID_CLIENT_SECRET</td></tr>
 * <tr><td>sign-in: {@code AADSTS50126}, {@code AADSTS50034} (and the other account states 50053, 50055, 50057,
 * 50076, 50079); Dataverse 401 after one token refresh (the account cannot reach the environment)</td>
 * <td>DYNAMICS_LOGIN_FAILED</td></tr>
 * <tr><td>Dataverse 4xx with error code {@code 0x80042f09} or a "no roles assigned" wording</td>
 * <td>DYNAMICS_NO_ROLES_ASSIGNED</td></tr>
 * <tr><td>Dataverse 4xx with error code {@code 0x80040220} (PrivilegeDenied) or {@code 0x80048306}, or a missing
 * privilege wording ({@link DataversePrivilegeErrors})</td><td>DYNAMICS_MISSING_LEAD_WRITER_ROLE</td></tr>
 * <tr><td>no answer in time ({@link HttpTimeoutException}, {@link SocketTimeoutException}, {@link TimeoutException},
 * interruption by the runtime's attempt timeout)</td><td>DYNAMICS_TIMEOUT</td></tr>
 * <tr><td>Dataverse 404; the instance host does not resolve; the URL is not https</td>
 * <td>DYNAMICS_INVALID_INSTANCE_URL</td></tr>
 * <tr><td>429 (service protection limits), with its {@code Retry-After}</td><td>DYNAMICS_THROTTLED</td></tr>
 * <tr><td>any other HTTP status</td><td>DESTINATION_HTTP_ERROR (transient for 408, 429, 5xx)</td></tr>
 * <tr><td>any other exception (connection refused, reset)</td><td>UNKNOWN (transient)</td></tr>
 * </table>
 *
 * The detail keeps the upstream's own words (AADSTS text, Dataverse {@code error.code} and message) after
 * {@link Redaction#redact} with the destination's secret values: never a secret, password, token or e-mail.
 */
public final class DynamicsErrorClassifier {
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the failure happened: signing in at Azure AD, or calling the Dataverse Web API. */
    public enum Stage {
        SIGN_IN,
        DATAVERSE
    }

    /**
     * What came back: an HTTP answer ({@code status} > 0, its {@code Retry-After} and body), or an exception.
     */
    public record Upstream(Stage stage, int status, String retryAfter, String body, Throwable error) {
        public static Upstream http(int status, String retryAfter, String body) {
            return new Upstream(Stage.DATAVERSE, status, retryAfter, body, null);
        }

        public static Upstream error(Stage stage, Throwable error) {
            return new Upstream(stage, 0, null, null, error);
        }
    }

    private DynamicsErrorClassifier() {}

    /** The classified failure, its detail redacted with {@code secrets}. */
    public static DeliveryFailure classify(Upstream upstream, Collection<String> secrets) {
        if (upstream.error() != null) {
            return classifyError(upstream.stage(), upstream.error(), secrets);
        }
        int status = upstream.status();
        String code = null;
        String message = null;
        try {
            JsonNode error = upstream.body() == null || upstream.body().isBlank()
                    ? null
                    : JSON.readTree(upstream.body()).path("error");
            if (error != null && error.isObject()) {
                code = error.path("code").asText(null);
                message = error.path("message").asText(null);
            }
        } catch (Exception notJson) {
            // an HTML page or plain text: kept below, shortened
        }
        String detail = "HTTP " + status + (code != null ? " " + code : "") + ": "
                + (message != null ? message : shorten(upstream.body()));
        ErrorClass errorClass;
        Duration retryAfter = null;
        if (status == 429) {
            errorClass = ErrorClass.DYNAMICS_THROTTLED;
            retryAfter = HttpSupport.retryAfter(upstream.retryAfter());
        } else if (status == 404) {
            errorClass = ErrorClass.DYNAMICS_INVALID_INSTANCE_URL;
            detail = "HTTP 404: not a Dataverse Web API (no /api/data/v9.2/ here). " + detail;
        } else if (status == 401) {
            errorClass = ErrorClass.DYNAMICS_LOGIN_FAILED;
            detail = "HTTP 401 from Dataverse after a token refresh: the account cannot reach this Dynamics 365"
                    + " environment (not an application/licensed user of it)";
        } else if (status >= 400
                && status < 500
                && DataversePrivilegeErrors.classify(code, message != null ? message : upstream.body()) != null) {
            errorClass = DataversePrivilegeErrors.classify(code, message != null ? message : upstream.body());
        } else {
            errorClass = ErrorClass.DESTINATION_HTTP_ERROR;
            retryAfter = HttpSupport.retryAfter(upstream.retryAfter());
        }
        return DeliveryFailure.redacted(errorClass, status, retryAfter, detail, secrets);
    }

    private static DeliveryFailure classifyError(Stage stage, Throwable error, Collection<String> secrets) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MsalException msal) {
                Matcher m = AADSTS.matcher(String.valueOf(msal.getMessage()));
                if (m.find()) {
                    int status = msal instanceof MsalServiceException s && s.statusCode() != null ? s.statusCode() : 0;
                    ErrorClass c = switch (m.group(1)) {
                        case "90002" -> ErrorClass.AAD_TENANT_NOT_FOUND;
                        case "900023" -> ErrorClass.AAD_TENANT_ID_INVALID_FORMAT;
                        case "700016" -> ErrorClass.AAD_APP_NOT_FOUND;
                        case "7000215", "7000222" -> ErrorClass.AAD_INVALID_CLIENT_SECRET;
                        case "50126", "50034", "50053", "50055", "50057", "50076", "50079" ->
                            ErrorClass.DYNAMICS_LOGIN_FAILED;
                        default -> ErrorClass.DESTINATION_HTTP_ERROR;
                    };
                    return DeliveryFailure.redacted(
                            c, status, null, "Azure AD " + msal.errorCode() + ": " + msal.getMessage(), secrets);
                }
            }
            if (HttpSupport.isTimeout(t)) {
                return DeliveryFailure.redacted(
                        ErrorClass.DYNAMICS_TIMEOUT,
                        0,
                        null,
                        (stage == Stage.SIGN_IN ? "Azure AD sign-in" : "Dataverse")
                                + " did not answer within the timeout ("
                                + t.getClass().getSimpleName() + ")",
                        secrets);
            }
            if (stage == Stage.DATAVERSE
                    && (t instanceof UnknownHostException || t instanceof UnresolvedAddressException)) {
                return DeliveryFailure.redacted(
                        ErrorClass.DYNAMICS_INVALID_INSTANCE_URL,
                        0,
                        null,
                        "the instance host does not resolve (" + t.getClass().getSimpleName() + ")",
                        secrets);
            }
        }
        if (error instanceof MsalServiceException s && s.statusCode() != null && s.statusCode() > 0) {
            return DeliveryFailure.redacted(
                    ErrorClass.DESTINATION_HTTP_ERROR,
                    s.statusCode(),
                    null,
                    "Azure AD " + s.errorCode() + ": " + s.getMessage(),
                    secrets);
        }
        return DeliveryFailure.unexpected(
                stage == Stage.SIGN_IN ? "Azure AD sign-in: " : "Dataverse: ",
                error,
                UnaryOperator.identity(),
                secrets);
    }

    /** An invalid instance URL found before any call. */
    static DeliveryFailure invalidInstanceUrl(String why) {
        return new DeliveryFailure(ErrorClass.DYNAMICS_INVALID_INSTANCE_URL, 0, null, why);
    }

    private static String shorten(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
