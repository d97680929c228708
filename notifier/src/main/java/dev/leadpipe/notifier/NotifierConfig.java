package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.leadpipe.core.config.EnvReader;

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

    /** Reads the settings from the process environment; see {@link #fromEnvironment(Map)}. */
    public static NotifierConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the settings from the given variables: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the optional
     * {@code NOTIFIER_*} variables named by the {@code *_ENV} constants; others are ignored.
     *
     * @throws IllegalArgumentException naming every missing or unreadable variable at once, on one line, without
     *                                  echoing any value
     */
    public static NotifierConfig fromEnvironment(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String bootstrap = r.kafkaBootstrapServers();
        String host = r.text(SMTP_HOST_ENV, DEFAULT_SMTP_HOST);
        int port = (int) r.wholeNumber(SMTP_PORT_ENV, DEFAULT_SMTP_PORT, 1, 65535);
        String user = r.text(SMTP_USER_ENV);
        String password = env.get(SMTP_PASSWORD_ENV); // not trimmed: a password may start or end with a space
        if (password != null && password.isEmpty()) {
            password = null;
        }
        if (password != null && user == null) {
            r.problem(SMTP_PASSWORD_ENV + " is set but " + SMTP_USER_ENV + " is not");
        }
        boolean startTls = false;
        String rawTls = r.text(SMTP_STARTTLS_ENV);
        if (rawTls != null) {
            switch (rawTls.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> startTls = true;
                case "false", "no", "0" -> startTls = false;
                default -> r.problem(SMTP_STARTTLS_ENV + " must be true or false");
            }
        }
        String from = r.text(FROM_ENV, DEFAULT_FROM);
        if (!ADDRESS.matcher(from).matches()) {
            r.problem(FROM_ENV + " must be an e-mail address such as " + DEFAULT_FROM);
        }
        Duration interval = r.positiveDuration(DIGEST_INTERVAL_ENV, DEFAULT_DIGEST_INTERVAL, "24h");
        String lookup = r.text(LEAD_LOOKUP_URL_ENV);
        if (lookup != null && !(lookup.startsWith("https://") || lookup.startsWith("http://"))) {
            r.problem(LEAD_LOOKUP_URL_ENV + " must be an http(s) URL");
        }
        r.throwIfProblems("notifier settings");
        return new NotifierConfig(bootstrap, host, port, user, password, startTls, from,
                r.text(GROUP_ID_ENV, DEFAULT_GROUP_ID), interval, lookup);
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

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
