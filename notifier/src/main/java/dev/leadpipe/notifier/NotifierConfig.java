package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.leadpipe.core.KafkaSettings;

/**
 * The settings of the notifier, validated when built: every setting that cannot work is reported together in one
 * single-line {@link IllegalArgumentException} naming the setting (the record component, or the environment variable
 * for {@link #fromEnvironment(Map)}), never its value. {@link #toString()} masks the SMTP password.
 *
 * <p>Build one with {@link #of(String)} (every default) and the {@code with...} copy methods, or read it from the
 * environment with {@link #fromEnvironment(Map)}.
 *
 * @param bootstrapServers the Kafka cluster; required ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param smtpHost         the SMTP relay; default {@code 127.0.0.1} ({@value #SMTP_HOST_ENV})
 * @param smtpPort         its port, 1-65535; default 25 ({@value #SMTP_PORT_ENV})
 * @param smtpUser         the SMTP user, null for no authentication ({@value #SMTP_USER_ENV})
 * @param smtpPassword     its password, null for none; never shown ({@value #SMTP_PASSWORD_ENV})
 * @param startTls         whether STARTTLS is required; default false ({@value #SMTP_STARTTLS_ENV})
 * @param from             the sender address; default {@value #DEFAULT_FROM} ({@value #FROM_ENV})
 * @param groupId          the consumer group; default {@value #DEFAULT_GROUP_ID} ({@value #GROUP_ID_ENV})
 * @param digestInterval   how often a daily-digest offer gets its digest; default 24h ({@value #DIGEST_INTERVAL_ENV})
 * @param leadLookupUrl    an optional operator page where a lead can be looked up by its id, named in each e-mail;
 *                         null for none ({@value #LEAD_LOOKUP_URL_ENV})
 */
public record NotifierConfig(String bootstrapServers, String smtpHost, int smtpPort, String smtpUser,
                             String smtpPassword, boolean startTls, String from, String groupId,
                             Duration digestInterval, String leadLookupUrl) {

    public static final String SMTP_HOST_ENV = "NOTIFIER_SMTP_HOST";
    public static final String SMTP_PORT_ENV = "NOTIFIER_SMTP_PORT";
    public static final String SMTP_USER_ENV = "NOTIFIER_SMTP_USER";
    public static final String SMTP_PASSWORD_ENV = "NOTIFIER_SMTP_PASSWORD";
    public static final String SMTP_STARTTLS_ENV = "NOTIFIER_SMTP_STARTTLS";
    public static final String FROM_ENV = "NOTIFIER_FROM";
    public static final String GROUP_ID_ENV = "NOTIFIER_GROUP_ID";
    public static final String DIGEST_INTERVAL_ENV = "NOTIFIER_DIGEST_INTERVAL";
    public static final String LEAD_LOOKUP_URL_ENV = "NOTIFIER_LEAD_LOOKUP_URL";

    public static final String DEFAULT_SMTP_HOST = "127.0.0.1";
    public static final int DEFAULT_SMTP_PORT = 25;
    public static final String DEFAULT_FROM = "leads-noreply@leadpipe.local";
    public static final String DEFAULT_GROUP_ID = "leadpipe-notifier";
    public static final Duration DEFAULT_DIGEST_INTERVAL = Duration.ofHours(24);
    public static final String MASK = "********";

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?:(?<=//)|^|(?<=,))[^/@,\\s]+@");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public NotifierConfig {
        List<String> errors = new ArrayList<>();
        bootstrapServers = trimToNull(bootstrapServers);
        smtpHost = trimToNull(smtpHost);
        smtpUser = trimToNull(smtpUser);
        smtpPassword = smtpPassword == null || smtpPassword.isEmpty() ? null : smtpPassword;
        from = trimToNull(from);
        groupId = trimToNull(groupId);
        leadLookupUrl = trimToNull(leadLookupUrl);
        if (bootstrapServers == null) {
            errors.add("bootstrapServers is required (host:port,...)");
        }
        if (smtpHost == null) {
            errors.add("smtpHost must be a host name or address");
        }
        if (smtpPort < 1 || smtpPort > 65535) {
            errors.add("smtpPort must be a port number from 1 to 65535");
        }
        if (smtpPassword != null && smtpUser == null) {
            errors.add("smtpPassword is set but smtpUser is not");
        }
        if (from == null || !ADDRESS.matcher(from).matches()) {
            errors.add("from must be an e-mail address such as " + DEFAULT_FROM);
        }
        if (groupId == null) {
            errors.add("groupId must be a non-blank consumer group id");
        }
        if (digestInterval == null || digestInterval.isNegative() || digestInterval.isZero()) {
            errors.add("digestInterval must be a positive duration");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid notifier settings: " + String.join("; ", errors));
        }
    }

    /** Every default, for the given cluster. */
    public static NotifierConfig of(String bootstrapServers) {
        return new NotifierConfig(bootstrapServers, DEFAULT_SMTP_HOST, DEFAULT_SMTP_PORT, null, null, false,
                DEFAULT_FROM, DEFAULT_GROUP_ID, DEFAULT_DIGEST_INTERVAL, null);
    }

    /**
     * Reads the settings from the given variables: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the optional
     * {@code NOTIFIER_*} variables named by the {@code *_ENV} constants; others are ignored.
     *
     * @throws IllegalArgumentException naming every missing or unreadable variable at once, on one line, without
     *                                  echoing any value
     */
    public static NotifierConfig fromEnvironment(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        String bootstrap = trimToNull(env.get(KafkaSettings.BOOTSTRAP_ENV));
        if (bootstrap == null) {
            errors.add(KafkaSettings.BOOTSTRAP_ENV + " is not set: point it at the Kafka cluster, e.g. "
                    + KafkaSettings.BOOTSTRAP_ENV + "=localhost:9092");
        }
        String host = orDefault(env, SMTP_HOST_ENV, DEFAULT_SMTP_HOST);
        int port = DEFAULT_SMTP_PORT;
        String rawPort = trimToNull(env.get(SMTP_PORT_ENV));
        if (rawPort != null) {
            try {
                port = Integer.parseInt(rawPort);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                errors.add(SMTP_PORT_ENV + " must be a port number from 1 to 65535");
                port = DEFAULT_SMTP_PORT;
            }
        }
        String user = trimToNull(env.get(SMTP_USER_ENV));
        String password = env.get(SMTP_PASSWORD_ENV);
        if (password != null && password.isEmpty()) {
            password = null;
        }
        if (password != null && user == null) {
            errors.add(SMTP_PASSWORD_ENV + " is set but " + SMTP_USER_ENV + " is not");
        }
        boolean startTls = false;
        String rawTls = trimToNull(env.get(SMTP_STARTTLS_ENV));
        if (rawTls != null) {
            switch (rawTls.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> startTls = true;
                case "false", "no", "0" -> startTls = false;
                default -> errors.add(SMTP_STARTTLS_ENV + " must be true or false");
            }
        }
        String from = orDefault(env, FROM_ENV, DEFAULT_FROM);
        if (!ADDRESS.matcher(from).matches()) {
            errors.add(FROM_ENV + " must be an e-mail address such as " + DEFAULT_FROM);
            from = DEFAULT_FROM;
        }
        String groupId = orDefault(env, GROUP_ID_ENV, DEFAULT_GROUP_ID);
        Duration interval = DEFAULT_DIGEST_INTERVAL;
        String rawInterval = trimToNull(env.get(DIGEST_INTERVAL_ENV));
        if (rawInterval != null) {
            try {
                interval = parseDuration(rawInterval);
            } catch (RuntimeException e) {
                interval = null;
            }
            if (interval == null || interval.isNegative() || interval.isZero()) {
                errors.add(DIGEST_INTERVAL_ENV + " must be a positive duration (e.g. 24h, 30m, PT24H)");
                interval = DEFAULT_DIGEST_INTERVAL;
            }
        }
        String lookup = trimToNull(env.get(LEAD_LOOKUP_URL_ENV));
        if (lookup != null && !(lookup.startsWith("https://") || lookup.startsWith("http://"))) {
            errors.add(LEAD_LOOKUP_URL_ENV + " must be an http(s) URL");
            lookup = null;
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid notifier settings: " + String.join("; ", errors));
        }
        return new NotifierConfig(bootstrap, host, port, user, password, startTls, from, groupId, interval, lookup);
    }

    public NotifierConfig withSmtp(String host, int port) {
        return new NotifierConfig(bootstrapServers, host, port, smtpUser, smtpPassword, startTls, from, groupId,
                digestInterval, leadLookupUrl);
    }

    public NotifierConfig withSmtpCredentials(String user, String password) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, user, password, startTls, from, groupId,
                digestInterval, leadLookupUrl);
    }

    public NotifierConfig withStartTls(boolean required) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, smtpUser, smtpPassword, required, from,
                groupId, digestInterval, leadLookupUrl);
    }

    public NotifierConfig withFrom(String address) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, smtpUser, smtpPassword, startTls, address,
                groupId, digestInterval, leadLookupUrl);
    }

    public NotifierConfig withGroupId(String id) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, smtpUser, smtpPassword, startTls, from, id,
                digestInterval, leadLookupUrl);
    }

    public NotifierConfig withDigestInterval(Duration interval) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, smtpUser, smtpPassword, startTls, from,
                groupId, interval, leadLookupUrl);
    }

    public NotifierConfig withLeadLookupUrl(String url) {
        return new NotifierConfig(bootstrapServers, smtpHost, smtpPort, smtpUser, smtpPassword, startTls, from,
                groupId, digestInterval, url);
    }

    /** Every setting, the password (and any {@code user:password@} in the bootstrap servers) masked. */
    @Override
    public String toString() {
        return "NotifierConfig[bootstrapServers="
                + URL_USER_INFO.matcher(bootstrapServers).replaceAll(MASK + "@") + ", smtpHost=" + smtpHost + ", smtpPort="
                + smtpPort + ", smtpUser=" + (smtpUser == null ? "none" : smtpUser)
                + ", smtpPassword=" + (smtpPassword == null ? "none" : MASK) + ", startTls=" + startTls
                + ", from=" + from + ", groupId=" + groupId + ", digestInterval=" + digestInterval
                + ", leadLookupUrl=" + (leadLookupUrl == null ? "none" : leadLookupUrl) + "]";
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 1d}, or ISO-8601 such as {@code PT24H}. */
    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration");
        }
    }

    private static String orDefault(Map<String, String> env, String name, String fallback) {
        String v = trimToNull(env.get(name));
        return v == null ? fallback : v;
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
