package dev.leadpipe.sink.runtime;

/** A failed delivery attempt, carrying its classification. Its message holds the class and the redacted detail only. */
public final class DeliveryException extends Exception {
    private final DeliveryFailure failure;

    public DeliveryException(DeliveryFailure failure) {
        super(
                failure.errorClass().code() + (failure.httpStatus() > 0 ? " (HTTP " + failure.httpStatus() + ")" : "")
                        + ": " + failure.detail(),
                null,
                false,
                false);
        this.failure = failure;
    }

    public DeliveryFailure failure() {
        return failure;
    }
}
