package dev.leadpipe.core.error;

/** Whether retrying can help. */
public enum ErrorKind {
    /** A retry may succeed: retried with backoff within the destination's budget. */
    TRANSIENT,
    /** The publisher must change something first: dead-lettered at once. */
    PERMANENT,
    /** Transient or permanent depending on the upstream HTTP status (408, 429 and 5xx are transient). */
    BY_STATUS,
    /** Not a failure: counted, never retried (the .edu suppression). */
    NOT_AN_ERROR;

    /** Header and JSON form: {@code transient}, {@code permanent}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
