package dev.leadpipe.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.secret.SecretUnreadableException;

/**
 * Resolves the secrets a PUT of a lead destination sends back as {@value LeadDestination#MASK} (as a GET shows
 * them). A masked secret takes its stored value only when the stored destination has the same type and every
 * setting the type's {@link DestinationSpec} marks {@link SettingSpec#routing() routing} (where secrets are sent:
 * URLs, instance, login host, tenant, connection string) is unchanged; a masked routing secret counts as unchanged.
 * Otherwise each masked secret is a {@link FieldError} asking for the secret itself, so a stored secret can never
 * be redirected to an address its owner did not enter it for. The rule is read from the spec, never per type; no
 * error text repeats a value.
 */
final class MaskedSecrets {
    private final SecretKeyring keyring;

    MaskedSecrets(SecretKeyring keyring) {
        this.keyring = keyring;
    }

    /**
     * The settings to store: every masked secret replaced by its stored, decrypted value, or, when it may not be
     * kept, left masked with an error added to {@code errors}.
     */
    Map<String, String> resolve(
            String offerId,
            DestinationType type,
            Map<String, String> given,
            Optional<LeadDestination> previous,
            List<FieldError> errors) {
        Map<String, String> settings = new LinkedHashMap<>(given);
        DestinationSpec spec = DestinationSpecs.of(type);
        List<String> masked = given.entrySet().stream()
                .filter(e -> LeadDestination.MASK.equals(e.getValue()) && spec.isSecret(e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
        if (masked.isEmpty()) {
            return settings;
        }
        Optional<LeadDestination> sameType = previous.filter(d -> d.type() == type);
        List<String> changedRouting =
                sameType.map(d -> changedRouting(spec, given, d)).orElse(List.of());
        for (String name : masked) {
            String pointer = "/settings/" + DestinationEndpoints.pointerToken(name);
            String stored = sameType.map(d -> d.settings().get(name)).orElse(null);
            if (stored == null) {
                errors.add(new FieldError(
                        pointer, "is masked, but no stored value exists to keep: enter the secret itself"));
            } else if (!changedRouting.isEmpty()) {
                errors.add(new FieldError(
                        pointer,
                        "is masked, but " + String.join(", ", changedRouting)
                                + " changed, which decides where it is sent: enter the secret again"));
            } else {
                try {
                    settings.put(name, keyring.decrypt(offerId, name, stored));
                } catch (SecretUnreadableException unreadable) {
                    errors.add(
                            new FieldError(
                                    pointer,
                                    "is masked, but the stored value cannot be decrypted with this service's keys: enter the secret again"));
                }
            }
        }
        return settings;
    }

    /** The names of the routing settings whose given value differs from the stored one (a masked secret does not). */
    private List<String> changedRouting(DestinationSpec spec, Map<String, String> given, LeadDestination stored) {
        List<String> changed = new ArrayList<>();
        for (SettingSpec setting : spec.settings()) {
            if (!setting.routing()) {
                continue;
            }
            String name = setting.name();
            String now = given.get(name);
            if (setting.secret() && LeadDestination.MASK.equals(now)) {
                continue;
            }
            String before = stored.settings().get(name);
            try {
                before = setting.secret() && before != null ? keyring.decrypt(stored.offerId(), name, before) : before;
            } catch (SecretUnreadableException unreadable) {
                changed.add(name);
                continue;
            }
            if (!Objects.equals(normalized(now), normalized(before))) {
                changed.add(name);
            }
        }
        return changed;
    }

    private static String normalized(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
