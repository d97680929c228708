package dev.leadpipe.core.destination;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import dev.leadpipe.core.lead.FieldError;

/**
 * Everything about one destination type, declared once: its settings ({@link SettingSpec}), the routes it can be
 * reached by, whether it is refused, where a publisher finds a delivered lead, and the default operations port of
 * its sink. The validator, masking (API answers, {@code toString}, {@code leadctl}), encryption at rest, redaction of
 * upstream text, notifications, the sinks and the publisher guide's tables all read it (model: Kafka Connect's
 * {@code Connector.config()/validate()}). The registry of specs is {@link DestinationSpecs}.
 */
public interface DestinationSpec {

    /** The wire name of the type ({@code dynamics}, {@code table}, ...). */
    String typeName();

    /** The type's name for people ({@code Dynamics 365}). */
    String title();

    /** Every setting the type knows, in the order the guide lists them. */
    List<SettingSpec> settings();

    /** The ways the type can be reached; empty when it takes no settings. */
    default List<Route> routes() {
        return List.of();
    }

    /** Why a configuration of this type is refused (with the advice), or empty when it may be stored. */
    default Optional<String> refusal() {
        return Optional.empty();
    }

    /** Where the publisher finds a lead delivered to this type, completing "You will find it in ...". */
    String whereToFind();

    /** The default port of its sink's operations endpoints; empty when no sink delivers this type. */
    default OptionalInt defaultOpsPort() {
        return OptionalInt.empty();
    }

    /**
     * The parts of a redacted setting's value that must also be kept out of details (a connection string's
     * AccountKey, each line of a PEM key, a URL's signature), besides the value itself.
     */
    default Set<String> derivedSecrets(String setting, String value) {
        return Set.of();
    }

    /**
     * The URLs a routing setting's value sends requests to, for {@link DestinationAddresses}: by default the value
     * itself when it is an absolute http(s) URL with a host; a connection string names its endpoints. Empty for a
     * setting that is not {@code routing}, or a value that names no host.
     */
    default List<URI> targets(String setting, String value) {
        if (value == null || !setting(setting).map(SettingSpec::routing).orElse(false)) {
            return List.of();
        }
        try {
            URI uri = new URI(value.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
                    ? List.of(uri)
                    : List.of();
        } catch (URISyntaxException e) {
            return List.of();
        }
    }

    /** The declared setting of this name. */
    default Optional<SettingSpec> setting(String name) {
        return settings().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Whether a setting's value is secret; a name the type does not declare is treated as one. */
    default boolean isSecret(String name) {
        return setting(name).map(SettingSpec::secret).orElse(true);
    }

    /** Every problem of these settings ({@link DestinationValidator}); empty when they may be stored. */
    default List<FieldError> validate(Map<String, String> settings) {
        return DestinationValidator.validate(this, settings);
    }

    /** The settings with every secret's value replaced by {@link LeadDestination#MASK}. */
    default Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new LinkedHashMap<>();
        settings.forEach((k, v) -> masked.put(k, isSecret(k) ? LeadDestination.MASK : v));
        return masked;
    }

    /**
     * What must never appear in a detail, a log line or a dead-letter header: the value of every secret or personal
     * setting (as given and stripped) and its {@link #derivedSecrets}.
     */
    default Set<String> redactionValues(Map<String, String> settings) {
        Set<String> values = new LinkedHashSet<>();
        settings.forEach((name, value) -> {
            boolean redacted = setting(name).map(SettingSpec::redacted).orElse(true);
            if (value == null || value.isBlank() || !redacted) {
                return;
            }
            values.add(value);
            values.add(value.strip());
            values.addAll(derivedSecrets(name, value));
        });
        return values;
    }
}
