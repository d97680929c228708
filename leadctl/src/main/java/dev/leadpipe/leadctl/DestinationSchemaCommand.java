package dev.leadpipe.leadctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.secret.SecretUnreadableException;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.sink.dynamics.DataverseSchema;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.DynamicsSchemaTool;
import dev.leadpipe.sink.dynamics.DynamicsSchemaTool.SchemaToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leadctl destinations check|setup OFFER_ID}: Dynamics onboarding. Delivery upserts the Dataverse
 * {@code lead} on the alternate key {@code leadpipe_leadid} and writes {@code leadpipe_leadsource}, which the
 * marketplace's own solution does not create. {@code check} reads the lead table's columns and keys and prints each
 * missing item with its fix (exit 0 when nothing is missing, 1 otherwise); {@code setup} creates what is missing
 * through the Web API metadata endpoints and waits, with progress on stderr, until the key is Active.
 *
 * <p>The ingest API shows secrets masked, so these commands read the offer's destination the way a sink does: from
 * the {@code lead-destinations} topic (Kafka: {@code --bootstrap-servers}, {@code --kafka-config}), decrypting its
 * secret with the sinks' keys ({@code LEADPIPE_SECRET_KEYS} or {@code LEADPIPE_SECRET_KEYS_FILE}, else the local
 * run's {@code .leadpipe/secret-keys}), and sign in as the Dynamics sink does. No secret is ever printed.
 */
final class DestinationSchemaCommand {
    private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(30);

    private DestinationSchemaCommand() {}

    /** The shared part: the offer's decrypted Dynamics destination and a sign-in. */
    abstract static class SchemaCommand extends LeadctlCommand {
        @Parameters(index = "0", paramLabel = "OFFER_ID", description = "The offer, as publisherId.offerId.")
        String offerId;

        /** The offer's destination with its secrets decrypted; exit 1 when none or not Dynamics. */
        LeadDestination destination() {
            kafka(Topics.LEAD_DESTINATIONS.name());
            Optional<LeadDestination> found;
            try (DestinationCatalog catalog = DestinationCatalog.start(leadctl().kafkaConnection(), CATALOG_TIMEOUT)) {
                found = catalog.get(offerId);
            } catch (IllegalStateException e) {
                throw new LeadctlException(
                        ExitCodes.KAFKA_UNREACHABLE,
                        "could not read " + Topics.LEAD_DESTINATIONS.name() + " within " + CATALOG_TIMEOUT.toSeconds()
                                + " s");
            }
            LeadDestination d = found.orElseThrow(
                    () -> new LeadctlException(ExitCodes.NOT_FOUND, "offer " + offerId + " has no lead destination"));
            if (d.type() != DestinationType.DYNAMICS) {
                throw new LeadctlException(
                        ExitCodes.FAILURE,
                        "offer " + offerId + " delivers to a " + d.type().wireName()
                                + " destination: only a dynamics destination has a Dataverse lead table to set up");
            }
            try {
                return keyring().decryptSecrets(d);
            } catch (SecretUnreadableException e) {
                throw new LeadctlException(
                        ExitCodes.FAILURE,
                        "cannot decrypt the stored secret of " + offerId + " with these keys: " + e.getMessage()
                                + "; give leadctl the sinks' keys (" + SecretKeyring.KEYS_ENV + " or "
                                + SecretKeyring.KEYS_FILE_ENV + ")");
            }
        }

        /** The sinks' keyring from leadctl's environment; never creates a development key. */
        SecretKeyring keyring() {
            Map<String, String> env = new HashMap<>();
            for (String name : new String[] {SecretKeyring.KEYS_ENV, SecretKeyring.KEYS_FILE_ENV}) {
                String v = leadctl().environment(name);
                if (v != null && !v.isBlank()) {
                    env.put(name, v);
                }
            }
            Path dev = leadctl().workingDirectory().resolve(SecretKeyring.DEV_KEYS_FILE);
            if (env.isEmpty() && !Files.exists(dev)) {
                throw new LeadctlException(
                        ExitCodes.USAGE,
                        "no secret keys: set " + SecretKeyring.KEYS_ENV + " or " + SecretKeyring.KEYS_FILE_ENV
                                + " to the sinks' keys (the destination's secrets are stored encrypted)");
            }
            try {
                return SecretKeyring.fromEnvironment(env, dev);
            } catch (IllegalArgumentException e) {
                throw new LeadctlException(ExitCodes.USAGE, e.getMessage());
            }
        }

        /** {@code 90s}, {@code 10m}, {@code 1h}: a usage error (exit 2) otherwise. */
        static Duration duration(String value, String option) {
            var m = java.util.regex.Pattern.compile("(\\d{1,6})([smh])").matcher(value.trim());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new LeadctlException(
                        ExitCodes.USAGE,
                        "invalid " + option + " '" + value + "': expected a duration such as 90s, 10m or 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }

        static LeadctlException failed(SchemaToolException e) {
            return new LeadctlException(ExitCodes.FAILURE, e.getMessage());
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check that the Dynamics destination's Dataverse lead table has what delivery needs: the columns",
                "leadpipe_leadid and leadpipe_leadsource and an Active alternate key on leadpipe_leadid.",
                "Prints each missing item with its fix. Reads the destination from Kafka (--bootstrap-servers),",
                "decrypting its secret with LEADPIPE_SECRET_KEYS / LEADPIPE_SECRET_KEYS_FILE."
            },
            footer = {
                "",
                "Exit codes: 0 nothing missing, 1 something missing or failed, 2 bad arguments, 3 Kafka unreachable."
            })
    static final class Check extends SchemaCommand {
        @Override
        int execute() {
            LeadDestination d = destination();
            DataverseSchema.Report report;
            try (DynamicsDestinationClient client = leadctl().dynamicsClient()) {
                report = new DynamicsSchemaTool(client).check(d);
            } catch (SchemaToolException e) {
                throw failed(e);
            }
            if (report.ok()) {
                out().println("ok: " + offerId + ": " + report.summary());
                return ExitCodes.OK;
            }
            for (DataverseSchema.Finding f : report.findings()) {
                out().println("missing: " + offerId + ": " + f.line().replace("OFFER", offerId));
            }
            return ExitCodes.FAILURE;
        }
    }

    @Command(
            name = "setup",
            mixinStandardHelpOptions = true,
            description = {
                "Create what the Dynamics destination's Dataverse lead table lacks (the columns leadpipe_leadid and",
                "leadpipe_leadsource, the alternate key on leadpipe_leadid) through the Web API metadata endpoints,",
                "then wait until the key is Active. The application user needs the System Customizer role for it."
            },
            footer = {
                "",
                "Exit codes: 0 set up, 1 refused or not Active in time, 2 bad arguments, 3 Kafka unreachable,"
                        + " 130 interrupted."
            })
    static final class Setup extends SchemaCommand {
        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "10m",
                description =
                        "How long to wait for the key to become Active (e.g. 90s, 10m). Default: ${DEFAULT-VALUE}.")
        String timeout;

        @Option(
                names = "--poll-interval",
                paramLabel = "DURATION",
                defaultValue = "5s",
                description = "How often to read the key's status. Default: ${DEFAULT-VALUE}.")
        String pollInterval;

        @Override
        int execute() {
            Duration limit = duration(timeout, "--timeout");
            Duration every = duration(pollInterval, "--poll-interval");
            LeadDestination d = destination();
            DynamicsSchemaTool.SetupResult r;
            try (DynamicsDestinationClient client = leadctl().dynamicsClient()) {
                r = new DynamicsSchemaTool(client).setup(d, Clock.systemUTC(), Thread::sleep, every, limit, line -> {
                    err().println(offerId + ": " + line);
                    err().flush();
                });
            } catch (SchemaToolException e) {
                throw failed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeadctlException(ExitCodes.INTERRUPTED, "interrupted; run it again to finish the setup");
            }
            out().println((r.created().isEmpty()
                            ? "nothing to create: "
                            : "set up: created " + String.join(", ", r.created()) + "; ")
                    + offerId + ": " + r.after().summary());
            return ExitCodes.OK;
        }
    }
}
