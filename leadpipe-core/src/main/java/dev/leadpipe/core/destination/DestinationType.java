package dev.leadpipe.core.destination;

import java.util.Locale;
import java.util.Optional;

/** The kinds of lead destination an offer can have. {@code BLOB} is accepted so its leads can be held, never delivered. */
public enum DestinationType {
    DYNAMICS,
    SALESFORCE,
    TABLE,
    HTTPS,
    NONE,
    BLOB;

    /** The lower-case wire name ({@code dynamics}, {@code table}, ...). */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether leads of this type are delivered by a sink (false for {@code none} and {@code blob}). */
    public boolean isDeliverable() {
        return this != NONE && this != BLOB;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    static DestinationType parse(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("unknown destination type"));
    }

    public static Optional<DestinationType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (DestinationType t : values()) {
            if (t.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
