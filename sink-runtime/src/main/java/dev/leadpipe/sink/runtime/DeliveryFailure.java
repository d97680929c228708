package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.function.UnaryOperator;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;

/**
 * Why one delivery attempt failed, classified.
 *
 * @param errorClass the class from the catalogue
 * @param httpStatus the upstream HTTP status, 0 when there was none (a timeout, an unknown host)
 * @param retryAfter how long the upstream asked us to wait (its {@code Retry-After}), or null
 * @param detail     the upstream's own words with secrets and e-mail addresses already removed
 */
public record DeliveryFailure(ErrorClass errorClass, int httpStatus, Duration retryAfter, String detail) {

    /** A failure whose detail is first passed through {@link Redaction#redact} with the destination's secrets. */
    public static DeliveryFailure redacted(
            ErrorClass errorClass, int httpStatus, Duration retryAfter, String detail, Collection<String> secrets) {
        return new DeliveryFailure(errorClass, httpStatus, retryAfter, Redaction.redact(detail, secrets));
    }

    /**
     * The failure of a call that ended in an exception no classifier recognised: UNKNOWN, no status, the detail
     * {@code prefix}, the root cause's class and, when it has one, {@code ": "} and its message as {@code message}
     * renders it; redacted.
     */
    public static DeliveryFailure unexpected(
            String prefix, Throwable error, UnaryOperator<String> message, Collection<String> secrets) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return redacted(
                ErrorClass.UNKNOWN,
                0,
                null,
                prefix
                        + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : ": " + message.apply(root.getMessage())),
                secrets);
    }

    /** Whether a retry may help. */
    public boolean isTransient() {
        return errorClass.isTransient(httpStatus);
    }
}
