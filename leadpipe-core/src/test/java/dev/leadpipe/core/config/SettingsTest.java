package dev.leadpipe.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.leadpipe.core.KafkaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Declaring settings once and reading, checking, copying and showing a configuration from the declarations. */
class SettingsTest {

    static final Setting<String> HOST =
            Setting.text("host", "DEMO_HOST", "a host name", "bind address").defaultsTo("127.0.0.1");
    static final Setting<Integer> PORT =
            Setting.wholeNumber("port", "DEMO_PORT", 0, 65535, "HTTP port").defaultsTo(8080);
    static final Setting<Duration> WINDOW =
            Setting.duration("window", "DEMO_WINDOW", "7d", "dedup window").defaultsTo(Duration.ofDays(7));
    static final Setting<Duration> TIMEOUT = Setting.durationIn(
                    "timeout", "DEMO_TIMEOUT_SECONDS", ChronoUnit.SECONDS, 1, 600, "how long to wait")
            .defaultsTo(Duration.ofSeconds(60));
    static final Setting<Boolean> TLS =
            Setting.flag("tls", "DEMO_TLS", "require TLS").defaultsTo(false);
    static final Setting<Optional<String>> USER =
            Setting.text("user", "DEMO_USER", "a user name", "user").optional();
    static final Setting<Optional<String>> PASSWORD = Setting.text(
                    "password", "DEMO_PASSWORD", "a password", "its password")
            .secret()
            .optional();
    static final Setting<Optional<Path>> DIR =
            Setting.path("dir", "DEMO_DIR", "state directory").optional();
    static final List<Setting<?>> SETTINGS = List.of(
            KafkaSettings.BOOTSTRAP_SERVERS,
            KafkaSettings.REPLICATION_FACTOR,
            HOST,
            PORT,
            WINDOW,
            TIMEOUT,
            TLS,
            USER,
            PASSWORD,
            DIR);
    static final List<Settings.Rule<?, ?>> RULES = List.of(new Settings.Rule<>(
            PASSWORD, "not be set without", USER, (password, user) -> password.isEmpty() || user.isPresent()));

    record Demo(
            String bootstrapServers,
            String host,
            int port,
            Duration window,
            Duration timeout,
            boolean tls,
            Optional<String> user,
            Optional<String> password,
            Optional<Path> dir) {
        Demo {
            Settings.check(
                    Demo.class,
                    "demo settings",
                    SETTINGS,
                    RULES,
                    bootstrapServers,
                    host,
                    port,
                    window,
                    timeout,
                    tls,
                    user,
                    password,
                    dir);
        }
    }

    static Demo read(Map<String, String> env) {
        return Settings.fromEnvironment(Demo.class, "demo settings", SETTINGS, RULES, env);
    }

    @Test
    void unsetAndBlankVariablesTakeTheirDefaults() {
        Demo d = read(Map.of("KAFKA_BOOTSTRAP_SERVERS", " k:9092 ", "DEMO_PORT", "  "));
        assertThat(d)
                .isEqualTo(new Demo(
                        "k:9092",
                        "127.0.0.1",
                        8080,
                        Duration.ofDays(7),
                        Duration.ofSeconds(60),
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));
        assertThat(Settings.build(Demo.class, SETTINGS, KafkaSettings.BOOTSTRAP_SERVERS, " k:9092 "))
                .isEqualTo(d);
    }

    @Test
    void readsEveryKindOfValue() {
        Demo d = read(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "k:9092",
                "KAFKA_REPLICATION_FACTOR",
                "3",
                "DEMO_HOST",
                " 0.0.0.0 ",
                "DEMO_PORT",
                "0",
                "DEMO_WINDOW",
                "pt12h",
                "DEMO_TIMEOUT_SECONDS",
                "5",
                "DEMO_TLS",
                "yes",
                "DEMO_USER",
                "bob",
                "DEMO_PASSWORD",
                " p w ",
                "DEMO_DIR",
                "/var/lib/x"));
        assertThat(d)
                .isEqualTo(new Demo(
                        "k:9092",
                        "0.0.0.0",
                        0,
                        Duration.ofHours(12),
                        Duration.ofSeconds(5),
                        true,
                        Optional.of("bob"),
                        Optional.of(" p w "),
                        Optional.of(Path.of("/var/lib/x"))));
    }

    @Test
    void reportsEveryBadVariableTogetherOnOneLineWithoutTheValues() {
        assertThatThrownBy(() -> read(Map.of(
                        "KAFKA_REPLICATION_FACTOR",
                        "three",
                        "DEMO_PORT",
                        "70000",
                        "DEMO_WINDOW",
                        "soon",
                        "DEMO_TIMEOUT_SECONDS",
                        "0",
                        "DEMO_TLS",
                        "perhaps",
                        "DEMO_PASSWORD",
                        "CANARY-secret",
                        "DEMO_DIR",
                        "a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid demo settings: KAFKA_BOOTSTRAP_SERVERS is not set: the Kafka cluster")
                .hasMessageContainingAll(
                        "KAFKA_REPLICATION_FACTOR must be a whole number from 1 to 32767",
                        "DEMO_PORT must be a whole number from 0 to 65535",
                        "DEMO_WINDOW must be a positive duration such as 7d",
                        "DEMO_TIMEOUT_SECONDS must be a whole number from 1 to 600 of seconds",
                        "DEMO_TLS must be true or false",
                        "DEMO_DIR must be a file system path",
                        "DEMO_PASSWORD must not be set without DEMO_USER")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("three")
                .hasMessageNotContaining("70000")
                .hasMessageNotContaining("soon")
                .hasMessageNotContaining("perhaps")
                .hasMessageNotContaining("CANARY");
    }

    @Test
    void theConstructorNamesEachComponentAndItsVariable() {
        assertThatThrownBy(() -> new Demo(
                        " ",
                        "",
                        -1,
                        Duration.ZERO,
                        null,
                        false,
                        Optional.empty(),
                        Optional.of("CANARY-secret"),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        "bootstrapServers (KAFKA_BOOTSTRAP_SERVERS) must be",
                        "host (DEMO_HOST) must be a host name",
                        "port (DEMO_PORT) must be a whole number",
                        "window (DEMO_WINDOW) must be a positive duration",
                        "timeout (DEMO_TIMEOUT_SECONDS) must be set",
                        "password (DEMO_PASSWORD) must not be set without user (DEMO_USER)")
                .hasMessageNotContaining("CANARY");
    }

    @Test
    void copiesChangeOneSettingAndAreCheckedAgain() {
        Demo d = Settings.build(Demo.class, SETTINGS, KafkaSettings.BOOTSTRAP_SERVERS, "k:9092");
        Demo changed = Settings.with(d, SETTINGS, PORT, 9000);
        assertThat(changed)
                .isEqualTo(new Demo(
                        "k:9092",
                        "127.0.0.1",
                        9000,
                        d.window(),
                        d.timeout(),
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));
        assertThatThrownBy(() -> Settings.with(d, SETTINGS, PORT, 70000))
                .hasMessage("invalid demo settings: port (DEMO_PORT) must be a whole number from 0 to 65535");
        assertThatThrownBy(() -> Settings.with(d, SETTINGS, PASSWORD, Optional.of("x")))
                .hasMessageContaining("password (DEMO_PASSWORD) must not be set without user (DEMO_USER)");
        assertThat(Settings.with(d, SETTINGS, Map.of(USER, Optional.of("u"), PASSWORD, Optional.of("x")))
                        .password())
                .contains("x");
        Setting<Integer> foreign =
                Setting.wholeNumber("other", "OTHER", 0, 1, "").defaultsTo(0);
        assertThatThrownBy(() -> Settings.with(d, SETTINGS, foreign, 1))
                .hasMessageContaining("OTHER is not a setting of Demo");
    }

    @Test
    void describeShowsEverySettingButMasksSecrets() {
        Demo d = read(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "SASL_SSL://kafka-user:CANARY-kafka@b1:9093,b2:9093",
                "DEMO_USER",
                "bob",
                "DEMO_PASSWORD",
                "CANARY-password"));
        assertThat(Settings.describe(d, SETTINGS))
                .startsWith("Demo[bootstrapServers=SASL_SSL://********@b1:9093,b2:9093, host=127.0.0.1, port=8080")
                .contains("window=7d", "timeout=60", "user=bob", "password=********", "dir=none")
                .doesNotContain("CANARY", "kafka-user");
        assertThat(PASSWORD.toString()).isEqualTo("Setting[DEMO_PASSWORD]");
    }

    @Test
    void documentsEachDefault() {
        assertThat(KafkaSettings.BOOTSTRAP_SERVERS.defaultText()).isEqualTo("required");
        assertThat(PORT.defaultText()).isEqualTo("8080");
        assertThat(WINDOW.defaultText()).isEqualTo("7d");
        assertThat(TIMEOUT.defaultText()).isEqualTo("60");
        assertThat(USER.defaultText()).isEqualTo("none");
        assertThat(PASSWORD.defaultText()).isEqualTo("none");
        assertThat(HOST.documentedDefault("localhost").defaultText()).isEqualTo("localhost");
    }

    @Test
    void readsDurationsAsOperatorsWriteThem() {
        assertThat(Setting.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Setting.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Setting.parseDuration("10 m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Setting.parseDuration("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Setting.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Setting.parseDuration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Setting.parseDuration("P7D")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> Setting.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Setting.parseDuration("99999999999999999999d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Setting.formatDuration(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(Setting.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Setting.formatDuration(Duration.ofMillis(200))).isEqualTo("200ms");
    }

    @Test
    void theDeclarationsPrintAsATableTheCheckerAccepts(@TempDir Path dir) throws Exception {
        String table = SettingsDoc.table(SETTINGS);
        assertThat(table)
                .startsWith("| variable | default | meaning |\n|---|---|---|\n")
                .contains("| `DEMO_PORT` | 8080 | HTTP port |\n", "| `DEMO_PASSWORD` | none | its password |\n");
        Path doc = Files.writeString(dir.resolve("demo.md"), table);
        assertThat(SettingsDoc.differences(doc, SETTINGS, true)).isEmpty();
    }

    @Test
    void aDocumentedTableThatDriftsFromTheDeclarationsIsReported(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("demo.md");
        Files.writeString(doc, """
                Some text naming `DEMO_GONE` outside a table.

                | Variable | Default | Meaning |
                |---|---|---|
                | `KAFKA_BOOTSTRAP_SERVERS` | required | the cluster |
                | `DEMO_HOST` | `127.0.0.1` | bind address |
                | `DEMO_PORT` | 8081 | HTTP port |
                | `DEMO_WINDOW` | 168h | dedup window, the same as 7d |
                | `DEMO_OLD` | 1 | a variable no longer read |
                | `OTHER_SERVICE_X` | 2 | another service's variable |

                | status | meaning |
                |---|---|
                | `DEMO_NOT_A_VARIABLE_TABLE` | no default column |
                """);
        assertThat(SettingsDoc.differences(doc, SETTINGS, false))
                .containsExactly(
                        "DEMO_PORT: documented default 8081, declared 8080",
                        "DEMO_OLD: documented in " + doc + " but not declared");
        assertThat(SettingsDoc.differences(doc, SETTINGS, true))
                .contains("DEMO_TLS: declared (default false) but not documented in " + doc)
                .noneMatch(line -> line.startsWith("DEMO_WINDOW")
                        || line.startsWith("DEMO_HOST")
                        || line.startsWith("OTHER_SERVICE_X")
                        || line.startsWith("DEMO_GONE")
                        || line.startsWith("DEMO_NOT_A_VARIABLE_TABLE"));
    }

    @Test
    void aDurationOrCountWithItsDefaultGivesThatDefaultAsItsExample() {
        Setting<Duration> window = Setting.duration("window", "DEMO_WINDOW", Duration.ofDays(7), "dedup window");
        assertThat(window.defaultValue()).isEqualTo(Duration.ofDays(7));
        assertThat(window.problem(Duration.ZERO, true))
                .isEqualTo("DEMO_WINDOW must be a positive duration such as 7d " + Setting.DURATION_SYNTAX);
        Setting<Integer> threads = Setting.count("threads", "DEMO_THREADS", 4, "threads");
        assertThat(threads.defaultValue()).isEqualTo(4);
        assertThat(threads.problem(0, true)).isEqualTo("DEMO_THREADS must be a whole number of at least 1");
    }

    @Test
    void aVariableIsGroupedByItsFirstWordOrByTwoUnderTheSharedLeadpipePrefix() {
        assertThat(SettingsDoc.prefix("SINK_MAX_ATTEMPTS")).isEqualTo("SINK_");
        assertThat(SettingsDoc.prefix("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("KAFKA_");
        // LEADPIPE_SECRET_KEYS is read outside settings: a service declaring LEADPIPE_MANAGE_TOPICS does not own it
        assertThat(SettingsDoc.prefix("LEADPIPE_MANAGE_TOPICS")).isEqualTo("LEADPIPE_MANAGE_");
        assertThat(SettingsDoc.prefix("LEADPIPE_SECRET_KEYS")).isEqualTo("LEADPIPE_SECRET_");
    }
}
