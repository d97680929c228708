package dev.leadpipe.core.destination;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An offer's lead destination as stored (keyed by offer id) on the compacted destinations topic.
 * {@code settings} are the destination's own fields (instance URL, ids, secrets); {@link #toString()} and
 * {@link #maskedSettings()} never show the value of a setting its type's {@link DestinationSpec} declares secret. On the topic, secret settings are encrypted
 * ({@link dev.leadpipe.core.secret.SecretKeyring}); {@code contactEmails} are the publisher's contacts, notified of
 * each new lead ({@code notifications} {@link NotificationMode#PER_LEAD}, the default) or once a day.
 */
public record LeadDestination(
        String offerId,
        DestinationType type,
        Map<String, String> settings,
        List<String> contactEmails,
        long version,
        Instant updatedAt,
        NotificationMode notifications) {

    public static final String MASK = "********";

    public LeadDestination {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        contactEmails = contactEmails == null ? List.of() : List.copyOf(contactEmails);
        notifications = notifications == null ? NotificationMode.PER_LEAD : notifications;
    }

    /** A destination whose contacts are notified of every lead. */
    public LeadDestination(
            String offerId,
            DestinationType type,
            Map<String, String> settings,
            List<String> contactEmails,
            long version,
            Instant updatedAt) {
        this(offerId, type, settings, contactEmails, version, updatedAt, NotificationMode.PER_LEAD);
    }

    /** The same destination with other settings. */
    public LeadDestination withSettings(Map<String, String> newSettings) {
        return new LeadDestination(offerId, type, newSettings, contactEmails, version, updatedAt, notifications);
    }

    /** The description of this destination's type ({@code none}'s when the type is missing). */
    @JsonIgnore
    public DestinationSpec spec() {
        return DestinationSpecs.of(type == null ? DestinationType.NONE : type);
    }

    /** The settings with every secret's value replaced by {@link #MASK}. */
    @JsonIgnore
    public Map<String, String> maskedSettings() {
        return spec().masked(settings);
    }

    @Override
    public String toString() {
        return "LeadDestination[offerId=" + offerId + ", type=" + type + ", settings=" + maskedSettings()
                + ", contacts=" + contactEmails.size() + ", notifications=" + notifications.wireName() + ", version="
                + version + "]";
    }
}
