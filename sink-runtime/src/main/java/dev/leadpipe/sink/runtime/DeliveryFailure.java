package dev.leadpipe.sink.runtime;

import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;

/**
 * Why one delivery attempt failed, classified.
 *
 * @param errorClass the class from the catalogue
 * @param httpStatus the upstream HTTP status, 0 when there was none (a timeout, an unknown host)
 * @param retryAfter how long the upstream asked us to wait (its {@code Retry-After}), or null
 * @param detail     the upstream's own words with secrets and e-mail addresses already removed
 */
public record DeliveryFailure(ErrorClass errorClass, int httpStatus, Duration retryAfter, String detail) {

    /** Whether a retry may help. */
    public boolean isTransient() {
        return errorClass.isTransient(httpStatus);
    }
}
