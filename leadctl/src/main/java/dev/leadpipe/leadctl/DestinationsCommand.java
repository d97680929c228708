package dev.leadpipe.leadctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code leadctl destinations get|apply|delete|validate|publish}: an offer's lead configuration, through the ingest
 * service's HTTP API ({@code --api-url}, default {@code $LEADPIPE_API_URL}, else {@code ./.leadpipe/api-url} written
 * by the local run, else {@value #DEFAULT_API}). Secrets are shown masked, as the API returns them. {@code check} and
 * {@code setup} (Dynamics onboarding, {@link DestinationSchemaCommand}) read the destination from Kafka instead. A refused
 * request prints one line naming every bad field and exits 1; an unreachable API exits 3.
 */
@Command(
        name = "destinations",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        subcommands = {
            DestinationsCommand.Get.class,
            DestinationsCommand.Apply.class,
            DestinationsCommand.Delete.class,
            DestinationsCommand.Validate.class,
            DestinationsCommand.Publish.class,
            DestinationSchemaCommand.Check.class,
            DestinationSchemaCommand.Setup.class
        },
        description = {
            "Configure offers' lead destinations (through the ingest service's HTTP API).",
            "Secrets are encrypted before they are stored and always shown masked."
        })
final class DestinationsCommand extends GroupCommand {
    static final String DEFAULT_API = "http://127.0.0.1:8080";
    static final String API_FILE = ".leadpipe/api-url";
    static final String API_ENV = "LEADPIPE_API_URL";

    @Option(
            names = "--api-url",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "The ingest service. Default: $LEADPIPE_API_URL, else ./" + API_FILE
                    + " (written by bin/run-local), else " + DEFAULT_API + ".")
    String apiUrlOption;

    DestinationsCommand() {
        super("get, apply, delete, validate, publish, check or setup");
    }

    /** The shared work of the subcommands: the API's address, requests, and turning answers into output. */
    abstract static class ApiCommand extends LeadctlCommand {
        @Parameters(index = "0", paramLabel = "OFFER_ID", description = "The offer, as publisherId.offerId.")
        String offerId;

        String apiUrl() {
            DestinationsCommand parent = (DestinationsCommand) spec.parent().userObject();
            return ServiceHttp.baseUrl(leadctl().setting(parent.apiUrlOption, API_ENV, API_FILE, DEFAULT_API));
        }

        String destinationPath() {
            return "/v1/offers/" + offerId + "/lead-destination";
        }

        /** Sends the request; the answer's status and JSON body (null when it had none). */
        ServiceHttp.Answer send(String method, String path, String jsonBody, Duration timeout) {
            return new ServiceHttp(
                            "ingest service", apiUrl(), "--api-url", leadctl().token())
                    .exchange(method, path, jsonBody, timeout);
        }

        /** Fails with one line from a problem answer: its detail and every bad field. */
        static LeadctlException refused(ServiceHttp.Answer a) {
            JsonNode p = a.json() == null ? Json.MAPPER.createObjectNode() : a.json();
            StringBuilder line = new StringBuilder(p.path("title").asText("HTTP " + a.status()));
            if (p.hasNonNull("detail")) {
                line.append(": ").append(p.get("detail").asText());
            }
            List<String> fields = new ArrayList<>();
            p.path("errors")
                    .forEach(e -> fields.add(
                            e.path("pointer").asText() + " " + e.path("detail").asText()));
            if (!fields.isEmpty()) {
                line.append(" [").append(String.join("; ", fields)).append("]");
            }
            return new LeadctlException(a.status() == 404 ? ExitCodes.NOT_FOUND : ExitCodes.FAILURE, line.toString());
        }

        void printJson(JsonNode json) {
            try {
                out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Prints a test lead's outcome in one line; exit 0 when delivered. Sent, not confirmed (Salesforce Web-to-Lead):
         * that line, then the advice (how to find the test lead, the picklist check, the REST route); exit 0, since
         * nothing failed that leadpipe can see.
         */
        int printTestLead(JsonNode t) {
            if ("sent_unconfirmed".equals(t.path("outcome").asText())) {
                out().printf(
                                "sent, not confirmed: test lead %s was sent to the %s destination, which cannot"
                                        + " confirm it kept it (%d ms)%n",
                                t.path("leadId").asText(),
                                t.path("destinationType").asText(),
                                t.path("elapsedMs").asLong());
                if (t.hasNonNull("detail")) {
                    out().println("  " + Leadctl.oneLine(t.get("detail").asText()));
                }
                return ExitCodes.OK;
            }
            if ("delivered".equals(t.path("outcome").asText())) {
                out().printf(
                                "delivered: test lead %s is in the %s destination as record %s (%d ms)%n",
                                t.path("leadId").asText(),
                                t.path("destinationType").asText(),
                                t.path("destinationRecordId").asText(),
                                t.path("elapsedMs").asLong());
                return ExitCodes.OK;
            }
            out().printf(
                            "%s: test lead %s failed with %s: %s%s%n",
                            t.path("outcome").asText(),
                            t.path("leadId").asText(),
                            t.path("errorClass").asText(),
                            t.path("remediation").asText(),
                            t.hasNonNull("detail") ? " (" + t.get("detail").asText() + ")" : "");
            return ExitCodes.FAILURE;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Show an offer's lead destination (secrets masked).")
    static final class Get extends ApiCommand {
        @Override
        int execute() {
            ServiceHttp.Answer a = send("GET", destinationPath(), null, Duration.ofSeconds(30));
            if (!a.ok()) {
                throw refused(a);
            }
            printJson(a.json());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Create or replace an offer's lead destination from a JSON file:",
                "{\"type\": \"table\", \"settings\": {...}, \"contactEmails\": [...], \"notifications\": \"per-lead\"}.",
                "A secret given as ******** keeps its stored value."
            })
    static final class Apply extends ApiCommand {
        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE",
                description = "The configuration (JSON); - reads stdin.")
        String file;

        @Override
        int execute() {
            String body;
            try {
                body = file.equals("-")
                        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LeadctlException(
                        ExitCodes.USAGE,
                        "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
            ServiceHttp.Answer a = send("PUT", destinationPath(), body, Duration.ofSeconds(30));
            if (!a.ok()) {
                throw refused(a);
            }
            err().println((a.status() == 201 ? "created" : "updated") + " the lead destination of " + offerId
                    + " (version " + a.json().path("version").asLong()
                    + "); check it with: leadctl destinations validate " + offerId);
            printJson(a.json());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove an offer's lead destination.")
    static final class Delete extends ApiCommand {
        @Override
        int execute() {
            ServiceHttp.Answer a = send("DELETE", destinationPath(), null, Duration.ofSeconds(30));
            if (!a.ok()) {
                throw refused(a);
            }
            out().println("deleted the lead destination of " + offerId);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = {
                "Send a MSFT_TEST_<ticks> test lead through the pipeline to the offer's destination and print its outcome:",
                "delivered with the destination's record id; sent, not confirmed (Salesforce Web-to-Lead) with how to",
                "check it; or the error class and its fix. Exit 0 when delivered or sent, not confirmed."
            })
    static final class Validate extends ApiCommand {
        @Override
        int execute() {
            ServiceHttp.Answer a = send("POST", destinationPath() + "/validate", null, Duration.ofMinutes(11));
            if (!a.ok()) {
                throw refused(a);
            }
            return printTestLead(a.json());
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Check that the offer may be published: offer types that collect leads need a destination,",
                "and the test lead must be delivered. Exit 0 when publishable."
            })
    static final class Publish extends ApiCommand {
        @Option(
                names = "--offer-type",
                required = true,
                paramLabel = "TYPE",
                description =
                        "saas, consulting-service, dynamics-365-customer-engagement, dynamics-365-finance-and-operations, "
                                + "dynamics-365-business-central, azure-application, ...")
        String offerType;

        @Option(
                names = "--listing-option",
                paramLabel = "OPTION",
                description = "contact-me, free-trial, get-it-now or test-drive.")
        String listingOption;

        @Override
        int execute() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("offerType", offerType);
            if (listingOption != null) {
                body.put("listingOption", listingOption);
            }
            ServiceHttp.Answer a =
                    send("POST", "/v1/offers/" + offerId + "/publish", body.toString(), Duration.ofMinutes(11));
            if (a.status() == 422 && a.json() != null && a.json().has("testLead")) {
                printTestLead(a.json().get("testLead"));
                throw refused(a);
            }
            if (!a.ok()) {
                throw refused(a);
            }
            out().println("publishable: " + offerId + " (" + offerType + ")");
            if (a.json().hasNonNull("testLead")) {
                printTestLead(a.json().get("testLead"));
            }
            return ExitCodes.OK;
        }
    }
}
