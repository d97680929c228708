package dev.leadpipe.sink.https;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collection;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpSupport;

/**
 * The one function from what an HTTPS endpoint answered (or why it did not) to a classified {@link DeliveryFailure}:
 *
 * <table>
 * <caption>answer → class</caption>
 * <tr><td>any 2xx</td><td>delivered ({@link #classify} returns null)</td></tr>
 * <tr><td>408, 429, 5xx</td><td>DESTINATION_HTTP_ERROR, transient, with the {@code Retry-After} (seconds or an HTTP
 * date) when given</td></tr>
 * <tr><td>3xx (never followed: a POST must not be re-sent to another address unseen), 1xx and every other 4xx</td>
 * <td>DESTINATION_HTTP_ERROR, permanent</td></tr>
 * <tr><td>no URL, an unparseable URL, a URL neither https nor http to a loopback host (nothing is sent)</td>
 * <td>DESTINATION_HTTP_ERROR with status 0, permanent ({@link #invalidUrl})</td></tr>
 * <tr><td>no answer: timeout, connection refused or reset, unknown host, interruption</td>
 * <td>UNKNOWN, transient ({@link #classifyError})</td></tr>
 * </table>
 *
 * <p>The detail is the status and at most {@value #MAX_EXCERPT} characters of the body, after
 * {@link Redaction#redact} with the destination's secrets (the URL, its path, its query and query values, the signing
 * secret): never the URL, never a secret, never an e-mail address. Exception details name the exception's class only
 * (JDK messages may carry the address). Stateless.
 */
public final class HttpsErrorClassifier {
    /** The longest body excerpt kept in a detail. */
    public static final int MAX_EXCERPT = 300;

    private HttpsErrorClassifier() {}

    /**
     * The failure an HTTP answer means, or null when it is a 2xx (delivered).
     *
     * @param status     the HTTP status
     * @param retryAfter the {@code Retry-After} header, or null
     * @param body       the response body (or its beginning), or null
     * @param secrets    values to remove from the detail
     */
    public static DeliveryFailure classify(int status, String retryAfter, String body, Collection<String> secrets) {
        if (status >= 200 && status < 300) {
            return null;
        }
        String detail = "HTTP " + status + ": " + excerpt(body, secrets);
        boolean isTransient = status == 408 || status == 429 || status >= 500;
        if (status >= 300 && status < 400) {
            detail = "HTTP " + status + ": the endpoint redirects; redirects are not followed (a POST is never re-sent"
                    + " to another address unseen), configure the final URL. " + excerpt(body, secrets);
        }
        return new DeliveryFailure(
                ErrorClass.DESTINATION_HTTP_ERROR,
                status,
                isTransient ? HttpSupport.retryAfter(retryAfter) : null,
                cut(detail));
    }

    /** The failure of a request that got no HTTP answer: UNKNOWN (transient), named by the exception's class. */
    public static DeliveryFailure classifyError(Throwable error, Duration timeout) {
        String what = null;
        for (Throwable t = error; t != null && what == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                what = "could not connect within " + timeout;
            } else if (t instanceof HttpTimeoutException) {
                what = "no answer within " + timeout;
            } else if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                what = "the host does not resolve";
            } else if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
                what = "the request was interrupted";
            }
        }
        if (what == null) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            what = error instanceof ConnectException || root instanceof ConnectException
                    ? "the connection failed (refused or unreachable)"
                    : "the request failed";
            return new DeliveryFailure(
                    ErrorClass.UNKNOWN,
                    0,
                    null,
                    what + " (" + error.getClass().getSimpleName()
                            + (root != error ? " / " + root.getClass().getSimpleName() : "") + ")");
        }
        return new DeliveryFailure(
                ErrorClass.UNKNOWN, 0, null, what + " (" + error.getClass().getSimpleName() + ")");
    }

    /** A URL that cannot be used, found before anything is sent: permanent, status 0. {@code why} names no URL. */
    public static DeliveryFailure invalidUrl(String why) {
        return new DeliveryFailure(ErrorClass.DESTINATION_HTTP_ERROR, 0, null, why);
    }

    /** The body flattened to one line, redacted, then cut to {@value #MAX_EXCERPT} characters. */
    static String excerpt(String body, Collection<String> secrets) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String flat = Redaction.redact(body.replaceAll("\\s+", " ").trim(), secrets);
        return flat.length() > MAX_EXCERPT ? flat.substring(0, MAX_EXCERPT) + "..." : flat;
    }

    private static String cut(String detail) {
        return detail.length() > 2 * MAX_EXCERPT ? detail.substring(0, 2 * MAX_EXCERPT) + "..." : detail;
    }
}
