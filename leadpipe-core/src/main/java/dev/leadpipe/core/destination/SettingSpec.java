package dev.leadpipe.core.destination;

import java.util.Objects;
import java.util.Optional;

/**
 * One setting of a destination type, declared once in its {@link DestinationSpec}: the name a configuration uses,
 * a one-line doc (shown in error messages and the publisher guide), the form its value must have, and how it is
 * handled:
 * <ul>
 *   <li>{@code secret}: stored encrypted, shown as {@link LeadDestination#MASK}, removed from every detail;</li>
 *   <li>{@code personal}: not secret, but personal data (a user's e-mail address): removed from every detail;</li>
 *   <li>{@code routing}: decides where the destination's secrets are sent (a URL, an instance, a login host).</li>
 * </ul>
 * Instances are built with {@link #of} and the {@code as...} methods, which return copies.
 */
public record SettingSpec(
        String name, String doc, ValueCheck check, boolean secret, boolean personal, boolean routing) {

    public SettingSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(doc, "doc");
        check = check == null ? ValueCheck.ANY : check;
    }

    /** A plain setting: any non-blank value, not secret, not routing. */
    public static SettingSpec of(String name, String doc) {
        return new SettingSpec(name, doc, ValueCheck.ANY, false, false, false);
    }

    /** This setting with its value checked. */
    public SettingSpec checked(ValueCheck valueCheck) {
        return new SettingSpec(name, doc, valueCheck, secret, personal, routing);
    }

    /** This setting as a secret. */
    public SettingSpec asSecret() {
        return new SettingSpec(name, doc, check, true, personal, routing);
    }

    /** This setting as personal data. */
    public SettingSpec asPersonal() {
        return new SettingSpec(name, doc, check, secret, true, routing);
    }

    /** This setting as one that decides where secrets are sent. */
    public SettingSpec asRouting() {
        return new SettingSpec(name, doc, check, secret, personal, true);
    }

    /** Whether the value must be kept out of every detail, log line and dead-letter header. */
    public boolean redacted() {
        return secret || personal;
    }

    /** What is wrong with a present (non-blank, stripped) value, or empty when it has the right form. */
    public Optional<String> problem(String value) {
        return check.problem(value);
    }

    /** The form a value must have, as a phrase completing "must be ..." is built by the check itself. */
    @FunctionalInterface
    public interface ValueCheck {
        /** Accepts any non-blank value. */
        ValueCheck ANY = value -> Optional.empty();

        /** Empty when the value is acceptable; otherwise a message starting with a verb ("must be ...", "lacks ..."). */
        Optional<String> problem(String value);
    }
}
