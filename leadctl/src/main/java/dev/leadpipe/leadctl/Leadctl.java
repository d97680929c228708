package dev.leadpipe.leadctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.leadpipe.core.KafkaClientSecurity;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code leadctl}, the operator CLI of leadpipe: list, show and replay dead-lettered leads
 * ({@code leadctl dlq list|show|replay}), and configure and validate offers' lead destinations through the ingest API
 * ({@code leadctl destinations get|apply|delete|validate|publish|check|setup}, see {@link DestinationsCommand}), show why an
 * offer gets no leads from the status service ({@code leadctl status}, see {@link StatusCommand}), and list the leads
 * waiting in Kafka for their next attempt ({@code leadctl waiting list}, see {@link WaitingListCommand}), and manage
 * the API keys of the HTTP services ({@code leadctl keys create|list|revoke}, see {@link KeysCommand}). The HTTP
 * commands send the credential of {@link #token()}. The global
 * option {@code --bootstrap-servers} (accepted before or after the
 * subcommand) defaults to the environment variable {@code KAFKA_BOOTSTRAP_SERVERS}, else the first line of
 * {@code .leadpipe/bootstrap-servers} in the current directory (written by the local run), else
 * {@code localhost:9092}.
 *
 * <p>Output contract: results go to stdout, diagnostics and progress to stderr; every failure is one line on stderr
 * with an exit code from {@link ExitCodes}, never a stack trace; usage errors are one line plus a hint to
 * {@code --help}. This holds both for {@link #main} and for a plain {@code new CommandLine(new Leadctl()).execute(...)}
 * (commands catch their own failures; every command's usage text is reduced to the hint on a usage error).
 */
@Command(
        name = "leadctl",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        subcommands = {
            DlqCommand.class,
            DestinationsCommand.class,
            StatusCommand.class,
            WaitingCommand.class,
            KeysCommand.class
        },
        description =
                "Operate leadpipe: inspect and replay dead-lettered leads, configure and validate lead destinations, see each offer's delivery status and the leads waiting for their next attempt.",
        footer = {
            "",
            "Exit codes: 0 ok, 1 not found or failed, 2 bad arguments, 3 Kafka, the ingest service or the status service unreachable, 130 interrupted."
        })
public final class Leadctl extends GroupCommand {
    static final String BOOTSTRAP_FILE = ".leadpipe/bootstrap-servers";
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    public static final String TOKEN_ENV = "LEADPIPE_TOKEN";
    public static final String TOKEN_FILE = ".leadpipe/token";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            scope = ScopeType.INHERIT,
            description = "Kafka to use. Default: $KAFKA_BOOTSTRAP_SERVERS, else ./" + BOOTSTRAP_FILE
                    + " (written by bin/run-local), else " + DEFAULT_BOOTSTRAP + ".")
    String bootstrapServersOption;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "A file holding the API key or token for the ingest and status services. Used when $"
                    + TOKEN_ENV + " is not set; default ./" + TOKEN_FILE + " (written by bin/run-local).")
    Path tokenFileOption;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "A Kafka client .properties file (security.protocol, sasl.*, ssl.*, ...) for every Kafka"
                    + " client; default $" + "KAFKA_CLIENT_PROPERTIES_FILE. The KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*"
                    + " and KAFKA_SSL_* variables apply over it, as for the services.")
    Path kafkaConfigOption;

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private boolean interactiveStderr;
    private java.util.function.Supplier<DynamicsDestinationClient> dynamicsClients = DynamicsDestinationClient::new;

    public Leadctl() {
        this(System.getenv(), Path.of(System.getProperty("user.dir", ".")));
    }

    /** For tests and embedding: a given environment and working directory instead of the process's own. */
    public Leadctl(Map<String, String> environment, Path workingDirectory) {
        super("dlq, destinations, status, waiting or keys");
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
    }

    /** The Kafka address: the option, else the environment, else the local run's file, else localhost:9092. */
    String bootstrapServers() {
        return setting(bootstrapServersOption, KafkaSettings.BOOTSTRAP_ENV, BOOTSTRAP_FILE, DEFAULT_BOOTSTRAP);
    }

    /**
     * How leadctl reaches Kafka, as the services do ({@link KafkaClientSecurity}): the address of
     * {@link #bootstrapServers()}, the {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and {@code KAFKA_SSL_*}
     * variables, and the client properties file of {@code --kafka-config} (else {@code KAFKA_CLIENT_PROPERTIES_FILE}).
     *
     * @throws LeadctlException a usage error (exit 2) naming every bad setting, never a secret
     */
    KafkaConnection kafkaConnection() {
        Map<String, String> env = new HashMap<>(environment);
        if (kafkaConfigOption != null) {
            env.put(
                    KafkaClientSecurity.CLIENT_PROPERTIES_FILE.env(),
                    workingDirectory.resolve(kafkaConfigOption).toString());
        }
        String bootstrap = setting(bootstrapServersOption, KafkaSettings.BOOTSTRAP_ENV, BOOTSTRAP_FILE, null);
        boolean fileMayName = env.get(KafkaClientSecurity.CLIENT_PROPERTIES_FILE.env()) != null;
        env.put(KafkaSettings.BOOTSTRAP_ENV, bootstrap != null ? bootstrap : fileMayName ? "" : DEFAULT_BOOTSTRAP);
        try {
            return KafkaClientSecurity.read(env);
        } catch (IllegalArgumentException e) {
            throw new LeadctlException(ExitCodes.USAGE, "invalid Kafka settings: " + e.getMessage());
        }
    }

    /**
     * Where leadctl finds a service: {@code option} when given, else the environment variable {@code env}, else the
     * first non-blank line of {@code file} (relative to the working directory; {@code bin/run-local} writes these),
     * else {@code fallback}; trimmed.
     */
    String setting(String option, String env, String file, String fallback) {
        if (option != null && !option.isBlank()) {
            return option.trim();
        }
        String fromEnv = environment.get(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Path path = workingDirectory.resolve(file);
        if (Files.isRegularFile(path)) {
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        return line.trim();
                    }
                }
            } catch (IOException e) {
                // unreadable: fall back to the default
            }
        }
        return fallback;
    }

    /**
     * The credential for the HTTP services: {@value #TOKEN_ENV}, else the first non-blank line of
     * {@code --token-file}, else of {@value #TOKEN_FILE} (relative to the working directory), else null.
     *
     * @throws LeadctlException (usage) when {@code --token-file} cannot be read or holds no credential
     */
    String token() {
        String fromEnv = environment.get(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        if (tokenFileOption != null) {
            Path file = workingDirectory.resolve(tokenFileOption);
            String token = firstLine(file);
            if (token == null) {
                throw new LeadctlException(
                        ExitCodes.USAGE, "--token-file " + tokenFileOption + " cannot be read or holds no credential");
            }
            return token;
        }
        Path file = workingDirectory.resolve(TOKEN_FILE);
        return Files.isRegularFile(file) ? firstLine(file) : null;
    }

    private static String firstLine(Path file) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    return line.trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * How {@code destinations check|setup} sign in to Dataverse: a new production {@link DynamicsDestinationClient}
     * unless a test or the local run gave one (against the Azure AD stand-in). The command closes it.
     */
    public Leadctl withDynamicsClient(java.util.function.Supplier<DynamicsDestinationClient> clients) {
        this.dynamicsClients = clients;
        return this;
    }

    DynamicsDestinationClient dynamicsClient() {
        return dynamicsClients.get();
    }

    /** A variable of leadctl's environment (the process's, or the one a test gave), or null. */
    String environment(String name) {
        return environment.get(name);
    }

    /** The directory {@code .leadpipe/} files are looked up in. */
    Path workingDirectory() {
        return workingDirectory;
    }

    /** Whether progress may be drawn as a terminal progress bar (only from {@link #main} with stderr a terminal). */
    boolean interactiveStderr() {
        return interactiveStderr;
    }

    /** A command line with leadctl's one-line error handlers installed, writing to the given streams. */
    public static CommandLine commandLine(Leadctl leadctl, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(leadctl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(oneLine(ex.getMessage()));
            cmd.getErr().println(hint(cmd.getCommandSpec()));
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            int code = ex instanceof LeadctlException le ? le.exitCode() : ExitCodes.FAILURE;
            cmd.getErr()
                    .println("leadctl: "
                            + (ex instanceof LeadctlException ? ex.getMessage() : LeadctlCommand.describe(ex)));
            cmd.getErr().flush();
            return code;
        });
        return cl;
    }

    public static void main(String[] args) {
        // Before the first logger: leadctl writes its output to stdout, so its logs go to stderr (warnings and errors),
        // not the services' JSON lines on stdout (leadpipe-ops' logback.xml). -Dlogback.configurationFile still wins.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "leadctl-logback.xml");
        }
        Leadctl leadctl = new Leadctl();
        leadctl.interactiveStderr = stderrIsTerminal();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = commandLine(leadctl, out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    private static boolean stderrIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+: a Console exists even when redirected; isTerminal() tells. On 21 a Console means a terminal.
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static String oneLine(String message) {
        return message == null
                ? ""
                : Privacy.safe(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim());
    }

    static String hint(CommandSpec spec) {
        return "Try '" + spec.qualifiedName() + " --help' for more information.";
    }

    /**
     * Makes picocli's default usage-error output (message, then the usage text) one line plus a hint: every usage
     * section renders empty unless help was asked for, and a last section prints the hint. Called for every command.
     */
    static void compactUsageErrors(CommandSpec spec) {
        UsageMessageSpec usage = spec.usageMessage();
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
        for (Map.Entry<String, IHelpSectionRenderer> e : usage.sectionMap().entrySet()) {
            IHelpSectionRenderer renderer = e.getValue();
            sections.put(e.getKey(), help -> helpWanted(help.commandSpec()) ? renderer.render(help) : "");
        }
        sections.put("leadctlHint", help -> helpWanted(help.commandSpec()) ? "" : hint(help.commandSpec()) + "\n");
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        keys.add("leadctlHint");
        usage.sectionMap(sections);
        usage.sectionKeys(keys);
    }

    private static boolean helpWanted(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            CommandLine cl = s.commandLine();
            if (cl != null && (cl.isUsageHelpRequested() || cl.isVersionHelpRequested())) {
                return true;
            }
        }
        return false;
    }

    /** leadctl's version (from the build) and the Kafka client's. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = "unknown";
            try (InputStream in = Leadctl.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version", version);
                }
            } catch (IOException e) {
                // keep "unknown"
            }
            return new String[] {"leadctl " + version, "Kafka client " + AppInfoParser.getVersion()};
        }
    }
}
