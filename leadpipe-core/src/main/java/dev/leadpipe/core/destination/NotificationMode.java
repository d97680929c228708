package dev.leadpipe.core.destination;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an offer's contacts hear of new leads: one e-mail per lead, or one digest a day (consulting services). */
public enum NotificationMode {
    PER_LEAD,
    DAILY_DIGEST;

    /** {@code per-lead} or {@code daily-digest}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    static NotificationMode parse(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("unknown notification mode"));
    }

    public static Optional<NotificationMode> fromWireName(String name) {
        for (NotificationMode m : values()) {
            if (name != null && m.wireName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
