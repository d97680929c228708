package dev.leadpipe.leadctl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadctl status [--offer ID] [--status-url URL]}: why an offer gets no leads, from the status service's HTTP
 * API ({@code GET /v1/status}, {@code GET /v1/status/offers/{offerId}}). The URL is {@code --status-url}, else
 * {@code $LEADPIPE_STATUS_URL}, else the first line of {@code ./.leadpipe/status-url}, else {@value #DEFAULT_URL}.
 * Prints ids, times, counts (delivered, sent not confirmed, suppressed .edu, do-not-contact leads recorded and not
 * delivered, dead-lettered), error classes and their
 * fixes: the status service keeps no customer data. An offer with a lead destination and no lead yet is shown as
 * {@code AWAITING_LEADS}, "configured, waiting for leads". An offer neither configured nor seen exits 1 ({@link ExitCodes#NOT_FOUND}); an unreachable service exits 3.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = {
            "Show each offer's delivery status: is it getting leads, and if not, why and how to fix it.",
            "Without --offer: every offer seen or configured, failing first. With --offer: that offer's",
            "details, its leads waiting for their next attempt, each open dead-letter class with its count",
            "and its fix. A configured offer with no lead yet is AWAITING_LEADS (configured, waiting for leads)."
        },
        footer = {"", "Exit codes: 0 ok, 1 unknown offer or failed, 2 bad arguments, 3 the status service unreachable."
        })
final class StatusCommand extends LeadctlCommand {
    static final String DEFAULT_URL = "http://127.0.0.1:8090";
    static final String URL_FILE = ".leadpipe/status-url";
    static final String URL_ENV = "LEADPIPE_STATUS_URL";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--offer", paramLabel = "OFFER_ID", description = "One offer (publisherId.offerId).")
    String offerId;

    @Option(
            names = "--status-url",
            paramLabel = "URL",
            description =
                    "The status service. Default: $" + URL_ENV + ", else ./" + URL_FILE + ", else " + DEFAULT_URL + ".")
    String statusUrlOption;

    /** The status service's address: the option, the environment, the local run's file, or the default. */
    String statusUrl() {
        return ServiceHttp.baseUrl(leadctl().setting(statusUrlOption, URL_ENV, URL_FILE, DEFAULT_URL));
    }

    @Override
    int execute() {
        if (offerId != null && offerId.isBlank()) {
            throw new LeadctlException(ExitCodes.USAGE, "--offer needs an offer id (publisherId.offerId)");
        }
        if (offerId == null) {
            printAll(get("/v1/status"));
        } else {
            printOffer(get("/v1/status/offers/"
                    + URLEncoder.encode(offerId.trim(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        return ExitCodes.OK;
    }

    private JsonNode get(String path) {
        String url = statusUrl();
        ServiceHttp.Answer r = new ServiceHttp(
                        "status service", url, "--status-url", leadctl().token())
                .exchange("GET", path, null, TIMEOUT);
        JsonNode json = r.json();
        if (r.status() == 404 && offerId != null) {
            throw new LeadctlException(
                    ExitCodes.NOT_FOUND,
                    "offer " + offerId.trim() + " is unknown to the status service at " + url
                            + ": it has no lead destination, and no lead, outcome or circuit report was seen for it");
        }
        if (r.status() != 200 || json == null) {
            String detail = json == null
                    ? ""
                    : ": " + json.path("detail").asText(json.path("title").asText(""));
            throw new LeadctlException(
                    ExitCodes.FAILURE,
                    "the status service at " + url + " answered HTTP " + r.status()
                            + (json == null ? " without JSON: is it the status service?" : detail));
        }
        return json;
    }

    private void printAll(JsonNode all) {
        JsonNode offers = all.path("offers");
        if (offers.isEmpty()) {
            out().println("No offers seen or configured yet.");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "OFFER",
            "TYPE",
            "VERDICT",
            "LAST DELIVERED",
            "RECEIVED 24H",
            "DELIVERED 24H",
            "SENT UNCONFIRMED 24H",
            ".EDU SUPPRESSED 24H",
            "DNC NOT DELIVERED 24H",
            "DEAD-LETTERED 24H",
            "OPEN DEAD LETTERS",
            "WAITING"
        });
        int failing = 0;
        int awaiting = 0;
        for (JsonNode o : offers) {
            awaiting += "AWAITING_LEADS".equals(o.path("verdict").asText()) ? 1 : 0;
            JsonNode c = o.path("last24h");
            JsonNode worst = o.path("openDeadLetters").path(0);
            String open = o.path("openDeadLetterCount").asLong() == 0
                    ? "0"
                    : o.path("openDeadLetterCount").asLong() + " ("
                            + worst.path("errorClass").asText()
                            + (o.path("openDeadLetters").size() > 1 ? ", ..." : "") + ")";
            rows.add(new String[] {
                o.path("offerId").asText(),
                text(o, "destinationType"),
                o.path("verdict").asText(),
                o.has("lastDelivered") ? time(o.path("lastDelivered").path("at").asText()) : "never",
                c.path("received").asText("0"),
                c.path("delivered").asText("0"),
                c.path("sentUnconfirmed").asText("0"),
                Long.toString(eduWithheld(c)),
                c.path("notContacted").asText("0"),
                c.path("deadLettered").asText("0"),
                open,
                waitingCell(o.path("waiting"))
            });
            failing += "FAILING".equals(o.path("verdict").asText()) ? 1 : 0;
        }
        TextTable.print(out(), rows);
        out().println();
        long waiting = all.path("waitingLeads").asLong();
        out().println(offers.size() + (offers.size() == 1 ? " offer, " : " offers, ") + failing + " failing"
                + (awaiting > 0 ? ", " + awaiting + " configured, waiting for leads" : "")
                + (waiting > 0
                        ? ", " + Ages.count(waiting) + (waiting == 1 ? " lead" : " leads") + " waiting for a retry"
                        : "")
                + (failing > 0 || waiting > 0 ? "; details and fixes: leadctl status --offer OFFER_ID" : ""));
    }

    private void printOffer(JsonNode o) {
        String id = o.path("offerId").asText();
        JsonNode c = o.path("last24h");
        out().println("Offer: " + safe(id));
        out().println("Destination: " + safe(text(o, "destinationType"))
                + (o.path("configured").asBoolean()
                        ? " (configured"
                                + (o.hasNonNull("configuredAt")
                                        ? " at " + time(o.path("configuredAt").asText())
                                        : "")
                                + ")"
                        : ""));
        out().println("Verdict: " + o.path("verdict").asText() + " - "
                + safe(o.path("explanation").asText()));
        if (o.has("lastReceived")) {
            out().println("Last received: "
                    + safe(o.path("lastReceived").path("leadId").asText()) + " at "
                    + time(o.path("lastReceived").path("at").asText()));
        } else {
            out().println("Last received: never");
        }
        if (o.has("lastDelivered")) {
            JsonNode d = o.path("lastDelivered");
            out().println("Last delivered: " + safe(d.path("leadId").asText()) + " at "
                    + time(d.path("at").asText()) + " ("
                    + c.path("delivered").asLong() + " delivered in the last 24 h)"
                    + (d.path("test").asBoolean() ? " [test lead]" : ""));
        } else {
            out().println("Last delivered: never (" + c.path("delivered").asLong() + " delivered in the last 24 h)");
        }
        if (o.has("lastSentUnconfirmed")) {
            JsonNode u = o.path("lastSentUnconfirmed");
            out().println("Last sent, not confirmed: " + safe(u.path("leadId").asText()) + " at "
                    + time(u.path("at").asText()) + " ("
                    + c.path("sentUnconfirmed").asLong()
                    + " in the last 24 h; Salesforce Web-to-Lead cannot confirm it kept them)");
        }
        out().println("Last 24 h: " + counts(c));
        if (o.has("total")) {
            out().println("Since first seen: " + counts(o.path("total")));
        }
        if (o.has("waitingSince")) {
            out().println("Waiting since: " + time(o.path("waitingSince").asText())
                    + " (leads received since then are not delivered yet)");
        }
        if (o.has("waiting")) {
            printWaiting(o.path("waiting"), id);
        }
        if (o.has("circuit")) {
            JsonNode ci = o.path("circuit");
            out().println("Circuit: " + ci.path("state").asText() + " since "
                    + time(ci.path("since").asText())
                    + (ci.hasNonNull("errorClass")
                            ? " (" + ci.path("errorClass").asText() + ")"
                            : ""));
        }
        JsonNode open = o.path("openDeadLetters");
        if (!open.isEmpty()) {
            out().println("Open dead letters: " + o.path("openDeadLetterCount").asLong());
            for (JsonNode d : open) {
                out().println("  " + d.path("errorClass").asText() + ": "
                        + d.path("count").asLong() + " open (" + d.path("kind").asText() + ", last "
                        + time(d.path("lastAt").asText()) + ")");
                out().println("    fix: " + safe(d.path("remediation").asText()));
            }
            out().println("Then replay them: leadctl dlq replay --offer " + safe(id));
        }
        if (o.has("lastDeadLetter")) {
            JsonNode d = o.path("lastDeadLetter");
            out().println("Last dead letter: " + d.path("errorClass").asText() + " at "
                    + time(d.path("at").asText())
                    + (d.hasNonNull("detail")
                            ? ": "
                                    + Privacy.safeUpstream(
                                            Privacy.safe(d.path("detail").asText()))
                            : ""));
        }
    }

    /**
     * {@code Waiting: 5,000 leads, oldest 2h 14m (since T), CIRCUIT_OPEN after TABLE_UNAVAILABLE (HTTP 503); next
     * attempt at T}, then the class's fix and the command that lists them, each on its own line.
     */
    private void printWaiting(JsonNode w, String offerId) {
        long count = w.path("count").asLong();
        out().println("Waiting: " + Ages.count(count) + (count == 1 ? " lead" : " leads") + ", oldest "
                + Ages.compact(Duration.ofSeconds(w.path("oldestAgeSeconds").asLong())) + " (since "
                + time(w.path("oldestSince").asText()) + "), "
                + safe(w.path("reason").asText("WAITING"))
                + (w.hasNonNull("errorClass")
                        ? " after " + safe(w.path("errorClass").asText())
                        : "")
                + (w.hasNonNull("httpStatus") ? " (HTTP " + w.path("httpStatus").asInt() + ")" : "")
                + (w.hasNonNull("nextAttemptAt")
                        ? "; next attempt at " + time(w.path("nextAttemptAt").asText())
                        : ""));
        if (w.hasNonNull("fix")) {
            out().println("  fix: " + safe(w.path("fix").asText()));
        }
        out().println("  list them: leadctl waiting list --offer " + safe(offerId));
    }

    /**
     * e.g. {@code 5 received, 2 delivered, 2 sent not confirmed, 1 suppressed (.edu), 0 dead-lettered}; with
     * do-not-contact leads a {@code record-only} destination did not get, {@code 1 suppressed (.edu), 2 do-not-contact
     * recorded, not delivered (doNotContactLeads=record-only), 0 dead-lettered}.
     */
    private static String counts(JsonNode c) {
        long notContacted = c.path("notContacted").asLong();
        return c.path("received").asLong() + " received, " + c.path("delivered").asLong() + " delivered, "
                + c.path("sentUnconfirmed").asLong() + " sent not confirmed, "
                + eduWithheld(c) + " suppressed (.edu), "
                + (notContacted > 0
                        ? notContacted + " do-not-contact recorded, not delivered (doNotContactLeads=record-only), "
                        : "")
                + c.path("deadLettered").asLong() + " dead-lettered";
    }

    /**
     * The .edu leads of a counts object: {@code suppressed} is every SUPPRESSED outcome, {@code notContacted} (absent
     * from an older status service: 0) the do-not-contact ones among them.
     */
    private static long eduWithheld(JsonNode c) {
        return Math.max(
                0, c.path("suppressed").asLong() - c.path("notContacted").asLong());
    }

    /** The table's WAITING cell: {@code 0}, or {@code 5,000 (oldest 2h 14m)}. */
    private static String waitingCell(JsonNode w) {
        if (w.isMissingNode() || w.path("count").asLong() == 0) {
            return "0";
        }
        return Ages.count(w.path("count").asLong()) + " (oldest "
                + Ages.compact(Duration.ofSeconds(w.path("oldestAgeSeconds").asLong())) + ")";
    }

    private static String text(JsonNode o, String field) {
        return o.hasNonNull(field) ? o.get(field).asText() : "-";
    }

    private static String safe(String s) {
        return Leadctl.oneLine(s);
    }

    /** An ISO instant to the second; anything unreadable as it came. */
    static String time(String iso) {
        if (iso == null || iso.isBlank()) {
            return "-";
        }
        try {
            return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return Privacy.safe(iso);
        }
    }
}
