package dev.leadpipe.sink.table;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.data.tables.models.TableServiceError;
import com.azure.data.tables.models.TableServiceException;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpSupport;

/**
 * The one place an Azure Table failure is put in its error class:
 * <ul>
 * <li>401, 403, or an authentication/authorization error code ({@code AuthenticationFailed} from Azure,
 * {@code AuthorizationFailure} from Azurite for a wrong key, ...) → {@link ErrorClass#TABLE_AUTH_FAILED}, permanent;</li>
 * <li>{@link UnknownHostException} anywhere in the cause chain (the account host does not resolve) →
 * {@link ErrorClass#TABLE_ACCOUNT_NOT_FOUND}, permanent;</li>
 * <li>408, 429, any 5xx, {@code ServerBusy} / {@code OperationTimedOut} / {@code InternalError}, a refused or reset
 * connection, a timeout, any other I/O failure → {@link ErrorClass#TABLE_UNAVAILABLE}, transient, with the service's
 * {@code x-ms-retry-after-ms} / {@code retry-after-ms} / {@code Retry-After} when it sent one;</li>
 * <li>any other HTTP status → {@link ErrorClass#DESTINATION_HTTP_ERROR} with that status (transient or permanent
 * by status); a TLS failure → {@code DESTINATION_HTTP_ERROR} without status (permanent); anything else
 * (no status, not I/O) → {@link ErrorClass#UNKNOWN} (transient, bounded by the retry budget).</li>
 * </ul>
 * The detail is the service's error code and a short message (or the transport exception's type and message), passed
 * through {@link Redaction#redact} with the destination's secret values: no account key, SAS or e-mail address.
 */
public final class TableErrorClassifier {
    private static final int MAX_MESSAGE = 300;
    private static final Pattern XML_MESSAGE = Pattern.compile("(?s)<(?:m:)?[Mm]essage[^>]*>(.*?)</(?:m:)?[Mm]essage>");
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> AUTH_CODES = Set.of(
            "authenticationfailed",
            "authorizationfailure",
            "authorizationpermissionmismatch",
            "authorizationresourcetypemismatch",
            "authorizationservicemismatch",
            "authorizationprotocolmismatch",
            "authorizationsourceipmismatch",
            "insufficientaccountpermissions",
            "invalidauthenticationinfo",
            "noauthenticationinformation",
            "accountisdisabled",
            "keybasedauthenticationnotpermitted");
    private static final Set<String> UNAVAILABLE_CODES = Set.of("serverbusy", "operationtimedout", "internalerror");

    private TableErrorClassifier() {}

    /**
     * Classifies what the Table SDK threw (a {@link TableServiceException}, any {@link HttpResponseException}, or a
     * transport failure with its cause chain).
     *
     * @param secretValues values that must not appear in the detail ({@link #secretValues(Map)} of the settings)
     */
    public static DeliveryFailure classify(Throwable failure, Collection<String> secretValues) {
        HttpResponseException http = find(failure, HttpResponseException.class);
        if (http != null && http.getResponse() != null) {
            HttpResponse response = http.getResponse();
            String code = null;
            String message = null;
            if (http instanceof TableServiceException tse && tse.getValue() != null) {
                TableServiceError error = tse.getValue();
                code = error.getErrorCode() == null
                        ? null
                        : error.getErrorCode().toString();
                message = error.getErrorMessage();
            }
            if (code == null || code.isBlank()) {
                code = response.getHeaderValue("x-ms-error-code");
            }
            if (message == null || message.isBlank()) {
                message = http.getMessage();
            }
            return classifyStatus(
                    response.getStatusCode(), code, message, retryAfter(response.getHeaders()), secretValues);
        }
        UnknownHostException unknownHost = find(failure, UnknownHostException.class);
        if (unknownHost != null) {
            return new DeliveryFailure(
                    ErrorClass.TABLE_ACCOUNT_NOT_FOUND,
                    0,
                    null,
                    redact("the account host does not resolve: " + describe(unknownHost), secretValues));
        }
        Throwable root = rootCause(failure);
        String detail = redact(describe(root), secretValues);
        if (find(failure, SSLException.class) != null) {
            return new DeliveryFailure(ErrorClass.DESTINATION_HTTP_ERROR, 0, null, detail);
        }
        if (find(failure, IOException.class) != null
                || find(failure, TimeoutException.class) != null
                || anyNamed(failure, "Timeout")
                || anyNamed(failure, "PrematureClose")
                || anyNamed(failure, "ConnectException")) {
            return new DeliveryFailure(ErrorClass.TABLE_UNAVAILABLE, 0, null, detail);
        }
        return new DeliveryFailure(ErrorClass.UNKNOWN, 0, null, detail);
    }

    /** Classifies one answer of the Table service by its status and error code (see the class comment). */
    public static DeliveryFailure classifyStatus(
            int status, String errorCode, String message, Duration retryAfter, Collection<String> secretValues) {
        String code = errorCode == null ? "" : errorCode.strip();
        String lower = code.toLowerCase(Locale.ROOT);
        String detail = redact((code.isEmpty() ? "HTTP " + status : code) + ": " + shorten(message), secretValues);
        ErrorClass errorClass;
        if (status == 401 || status == 403 || AUTH_CODES.contains(lower)) {
            errorClass = ErrorClass.TABLE_AUTH_FAILED;
        } else if (status == 408 || status == 429 || status >= 500 || UNAVAILABLE_CODES.contains(lower)) {
            errorClass = ErrorClass.TABLE_UNAVAILABLE;
        } else {
            errorClass = ErrorClass.DESTINATION_HTTP_ERROR;
        }
        return new DeliveryFailure(
                errorClass, status, errorClass == ErrorClass.TABLE_AUTH_FAILED ? null : retryAfter, detail);
    }

    /**
     * What must not appear in a detail: the redaction values of the Table spec (the connection string and its
     * AccountKey, SharedAccessSignature and SAS {@code sig} parts, as written and URL-decoded).
     */
    public static Set<String> secretValues(Map<String, String> settings) {
        return DestinationSpecs.of(DestinationType.TABLE).redactionValues(settings);
    }

    /** How long the service asked to wait: {@code x-ms-retry-after-ms}, {@code retry-after-ms} or {@code Retry-After}. */
    static Duration retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        for (String name : new String[] {"x-ms-retry-after-ms", "retry-after-ms"}) {
            String ms = headers.getValue(name);
            if (ms != null) {
                try {
                    long millis = Long.parseLong(ms.strip());
                    if (millis >= 0) {
                        return Duration.ofMillis(millis);
                    }
                } catch (NumberFormatException e) {
                    // try the next header
                }
            }
        }
        return HttpSupport.retryAfter(headers.getValue("Retry-After"));
    }

    private static String redact(String text, Collection<String> secretValues) {
        return Redaction.redact(text, secretValues == null ? Set.of() : secretValues);
    }

    /**
     * The service's own message, out of an XML ({@code <Message>}) or JSON ({@code "value"}) error body when the
     * SDK left the raw body in its exception message; first line only, without the RequestId and Time Azure
     * appends, at most 300 characters.
     */
    static String shorten(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        String text = message;
        Matcher xml = XML_MESSAGE.matcher(text);
        Matcher json = JSON_MESSAGE.matcher(text);
        if (xml.find()) {
            text = xml.group(1);
        } else if (json.find()) {
            text = json.group(1).replace("\\n", "\n");
        }
        int requestId = text.indexOf("RequestId:");
        if (requestId >= 0) {
            text = text.substring(0, requestId);
        }
        String first = text.strip().lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            return "(no message)";
        }
        return first.length() > MAX_MESSAGE ? first.substring(0, MAX_MESSAGE) + "..." : first;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + shorten(message));
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            for (Throwable s : c.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }

    private static boolean anyNamed(Throwable t, String part) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
            if (c.getClass().getName().contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        int depth = 0;
        while (c.getCause() != null && c.getCause() != c && depth++ < 16) {
            c = c.getCause();
        }
        return c;
    }
}
