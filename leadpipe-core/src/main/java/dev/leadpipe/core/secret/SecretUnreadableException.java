package dev.leadpipe.core.secret;

/** A stored secret that this service cannot decrypt. Its message names the offer, setting and key id, never a value. */
public final class SecretUnreadableException extends RuntimeException {
    public SecretUnreadableException(String message) {
        super(message);
    }
}
