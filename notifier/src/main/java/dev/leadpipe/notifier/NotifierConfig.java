package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.config.Settings;

/**
 * The settings of the notifier, validated when built: every setting that cannot work is reported together in one
 * single-line {@link IllegalArgumentException} naming the setting (the record component and its variable, or the
 * environment variable for {@link #fromEnvironment(Map)}), never its value. {@link #toString()} masks the SMTP
 * password. Each setting is declared once, in {@link #SETTINGS}.
 *
 * <p>Build one with {@link #of(String)} (every default), {@link #with(Setting, Object)}, {@link #withSmtp} and
 * {@link #withSmtpCredentials}, or read it from the environment with {@link #fromEnvironment(Map)}.
 *
 * @param kafka            how every Kafka client reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the
 *                         security settings ({@link KafkaSettings#CONNECTION}); secrets masked when shown
 * @param smtpHost         the SMTP relay; default {@code 127.0.0.1} ({@code NOTIFIER_SMTP_HOST})
 * @param smtpPort         its port, 1-65535; default 25 ({@code NOTIFIER_SMTP_PORT})
 * @param smtpUser         the SMTP user, empty for no authentication ({@code NOTIFIER_SMTP_USER})
 * @param smtpPassword     its password, empty for none; never shown ({@code NOTIFIER_SMTP_PASSWORD})
 * @param startTls         whether STARTTLS is required; default false ({@code NOTIFIER_SMTP_STARTTLS})
 * @param from             the sender address; default {@code leads-noreply@leadpipe.local} ({@code NOTIFIER_FROM})
 * @param groupId          the consumer group; default {@code leadpipe-notifier} ({@code NOTIFIER_GROUP_ID})
 * @param digestInterval   how often a daily-digest offer gets its digest; default 24h
 *                         ({@code NOTIFIER_DIGEST_INTERVAL})
 * @param leadLookupUrl    an optional operator page where a lead can be looked up by its id, named in each e-mail
 *                         ({@code NOTIFIER_LEAD_LOOKUP_URL})
 * @param brokenAfter      how long a lead must have been failing transiently (waiting on {@code lead-waiting}) before
 *                         its destination counts as broken and its contacts get a failure notice; default 1h
 *                         ({@code NOTIFIER_BROKEN_AFTER})
 * @param retryWindow      how long the sinks retry a transiently failing lead, as failure notices tell the publisher;
 *                         set it to the sinks' {@code SINK_MAX_RETRY_TIME}; default 24h ({@code NOTIFIER_RETRY_WINDOW})
 * @param smtpConnections  how many SMTP connections (and sending threads) per-lead e-mails go out over in parallel,
 *                         each kept open for many messages; 1-64, default 4 ({@code NOTIFIER_SMTP_CONNECTIONS})
 */
public record NotifierConfig(
        KafkaConnection kafka,
        String smtpHost,
        int smtpPort,
        Optional<String> smtpUser,
        Optional<String> smtpPassword,
        boolean startTls,
        String from,
        String groupId,
        Duration digestInterval,
        Optional<String> leadLookupUrl,
        Duration brokenAfter,
        Duration retryWindow,
        int smtpConnections)
        implements DeclaredConfig<NotifierConfig> {

    public static final String MASK = Setting.MASK;

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

    public static final Setting<String> SMTP_HOST = Setting.host("smtpHost", "NOTIFIER_SMTP_HOST", "the SMTP relay");
    public static final Setting<Integer> SMTP_PORT = Setting.wholeNumber(
                    "smtpPort", "NOTIFIER_SMTP_PORT", 1, 65535, "its port")
            .defaultsTo(25);
    public static final Setting<Optional<String>> SMTP_USER = Setting.text(
                    "smtpUser",
                    "NOTIFIER_SMTP_USER",
                    "a non-blank user name",
                    "SMTP user; no authentication when unset")
            .optional();
    public static final Setting<Optional<String>> SMTP_PASSWORD = Setting.text(
                    "smtpPassword",
                    "NOTIFIER_SMTP_PASSWORD",
                    "a password",
                    "its password (needs the user; never printed)")
            .secret()
            .optional();
    public static final Setting<Boolean> SMTP_STARTTLS = Setting.flag(
                    "startTls", "NOTIFIER_SMTP_STARTTLS", "true requires STARTTLS")
            .defaultsTo(false);
    public static final Setting<String> FROM = Setting.text("from", "NOTIFIER_FROM", "", "the sender address")
            .must(
                    "an e-mail address such as leads-noreply@leadpipe.local",
                    a -> ADDRESS.matcher(a).matches())
            .defaultsTo("leads-noreply@leadpipe.local");
    public static final Setting<String> GROUP_ID = Setting.text(
                    "groupId", "NOTIFIER_GROUP_ID", "a non-blank consumer group id", "the consumer group")
            .defaultsTo("leadpipe-notifier");
    public static final Setting<Duration> DIGEST_INTERVAL = Setting.duration(
            "digestInterval", "NOTIFIER_DIGEST_INTERVAL", Duration.ofHours(24), "digest period of daily-digest offers");
    public static final Setting<Optional<String>> LEAD_LOOKUP_URL = Setting.text(
                    "leadLookupUrl",
                    "NOTIFIER_LEAD_LOOKUP_URL",
                    "",
                    "an http(s) operator page where a lead can be looked up by id")
            .must("an http(s) URL", u -> u.startsWith("https://") || u.startsWith("http://"))
            .optional();

    public static final Setting<Duration> BROKEN_AFTER = Setting.duration(
            "brokenAfter",
            "NOTIFIER_BROKEN_AFTER",
            Duration.ofHours(1),
            "how long a lead must have been failing transiently (waiting for a retry) before its offer's contacts get a"
                    + " failure notice");
    public static final Setting<Duration> RETRY_WINDOW = Setting.duration(
            "retryWindow",
            "NOTIFIER_RETRY_WINDOW",
            Duration.ofHours(24),
            "how long the sinks retry a failing lead, as failure notices say it: the sinks' SINK_MAX_RETRY_TIME");

    public static final Setting<Integer> SMTP_CONNECTIONS = Setting.wholeNumber(
                    "smtpConnections",
                    "NOTIFIER_SMTP_CONNECTIONS",
                    1,
                    64,
                    "how many SMTP connections per-lead e-mails are sent over in parallel, each kept open for many"
                            + " messages")
            .defaultsTo(4);

    /** Every setting of the notifier, in the order of the components. */
    public static final List<Setting<?>> SETTINGS = KafkaSettings.serviceSettings(
            SMTP_HOST,
            SMTP_PORT,
            SMTP_USER,
            SMTP_PASSWORD,
            SMTP_STARTTLS,
            FROM,
            GROUP_ID,
            DIGEST_INTERVAL,
            LEAD_LOOKUP_URL,
            BROKEN_AFTER,
            RETRY_WINDOW,
            SMTP_CONNECTIONS);

    private static final List<Settings.Rule<?, ?>> RULES = List.of(new Settings.Rule<>(
            SMTP_PASSWORD,
            "not be set without",
            SMTP_USER,
            (password, user) -> password.isEmpty() || user.isPresent()));

    public static final Declaration<NotifierConfig> DECLARATION =
            new Declaration<>(NotifierConfig.class, "notifier settings", SETTINGS, RULES);

    public NotifierConfig {
        DECLARATION.check(
                kafka,
                smtpHost,
                smtpPort,
                smtpUser,
                smtpPassword,
                startTls,
                from,
                groupId,
                digestInterval,
                leadLookupUrl,
                brokenAfter,
                retryWindow,
                smtpConnections);
    }

    /** Every default, for the given cluster. */
    public static NotifierConfig of(String bootstrapServers) {
        return of(KafkaConnection.plaintext(bootstrapServers));
    }

    /** As {@link #of(String)}, reaching Kafka through {@code kafka}. */
    public static NotifierConfig of(KafkaConnection kafka) {
        return DECLARATION.build(KafkaSettings.CONNECTION, kafka);
    }

    /** A copy sending through the relay at {@code host}:{@code port}. */
    public NotifierConfig withSmtp(String host, int port) {
        return DECLARATION.with(this, Map.of(SMTP_HOST, host, SMTP_PORT, port));
    }

    /** A copy authenticating as {@code user} with {@code password}. */
    public NotifierConfig withSmtpCredentials(String user, String password) {
        return DECLARATION.with(this, Map.of(SMTP_USER, Optional.of(user), SMTP_PASSWORD, Optional.of(password)));
    }

    /** Every setting, the password (and any {@code user:password@} in the bootstrap servers) masked. */
    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    @Override
    public Declaration<NotifierConfig> declaration() {
        return DECLARATION;
    }
}
