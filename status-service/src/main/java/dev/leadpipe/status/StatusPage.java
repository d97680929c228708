package dev.leadpipe.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.OpenDeadLetters;
import dev.leadpipe.status.StatusViews.Overview;
import dev.leadpipe.status.StatusViews.Waiting;

/**
 * The operator status page ({@code GET /}): plain server-rendered HTML that refreshes itself every 10 s, no script; served by {@code GET /v1/status/page} to a credential with {@code status:read} and shown by the shell at {@code /} ({@link StatusPageShell}).
 * Every text from the state is escaped. Sections have stable ids: {@code #destinations}, {@code #dlq-backlog},
 * {@code #failing-offers} (one {@code tr.failing-offer[data-offer-id]} per failing offer), {@code #waiting-offers}
 * (one {@code tr.waiting-offer[data-offer-id]} per offer with leads waiting in Kafka for their next attempt: count,
 * oldest age, reason, class and fix) and {@code #offers} (its Waiting column: count and oldest age, for offers that
 * have any).
 */
public final class StatusPage {
    private StatusPage() {}

    public static String render(Overview o) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"refresh\" content=\"10\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>leadpipe status</title>\n<style>\n")
                .append(
                        "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}\n")
                .append("h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}\n")
                .append("p.meta{color:#57606a;margin:0 0 1rem}\n")
                .append("table{border-collapse:collapse;width:100%;font-size:.9rem}\n")
                .append(
                        "th,td{border-bottom:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}\n")
                .append("th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(
                        "tr.failing-offer,tr.verdict-FAILING{background:#ffebe9}tr.waiting-offer,tr.verdict-WAITING{background:#fff8c5}\n")
                .append("code{font-size:.85rem}.none{color:#1a7f37;font-weight:600}\n")
                .append("</style>\n</head>\n<body>\n")
                .append("<h1>leadpipe status</h1>\n<p class=\"meta\">As of ")
                .append(esc(time(o.generatedAt())))
                .append(" &middot; ")
                .append(o.offers().size())
                .append(" offers, ")
                .append(o.failing().size())
                .append(" failing, <span id=\"waiting-total\">")
                .append(o.waitingLeads())
                .append(o.waitingLeads() == 1 ? " lead" : " leads")
                .append(" waiting</span> &middot; refreshes every 10 s</p>\n");

        Instant now = o.generatedAt();
        section(
                h,
                "failing-offers",
                "Failing offers",
                "<p class=\"none\">No failing offers</p>\n",
                o.failing(),
                (row, s) -> {
                    OpenDeadLetters worst = s.worstClass();
                    Waiting w = s.waiting();
                    String cls = worst != null
                            ? worst.errorClass()
                            : s.circuitOpen()
                                    ? (s.circuit().errorClass() != null
                                            ? s.circuit().errorClass()
                                            : "circuit " + s.circuit().state())
                                    : w != null ? w.why() : "-";
                    offerRow(row, "failing-offer", s);
                    cell(row, dash(s.destinationType()));
                    codeCell(row, cls);
                    numCell(row, s.openDeadLetterCount());
                    cell(row, waitingCell(s, now));
                    cell(row, worst != null ? worst.remediation() : s.explanation());
                },
                "Offer",
                "Destination",
                "Error class",
                "Open",
                "Waiting",
                "Remediation");

        section(
                h,
                "waiting-offers",
                "Leads waiting for their next attempt",
                "<p class=\"none\">No leads waiting</p>\n",
                waitingOffers(o),
                (row, s) -> {
                    Waiting w = s.waiting();
                    offerRow(row, "waiting-offer", s);
                    cell(row, dash(s.destinationType()));
                    numCell(row, w.count());
                    cell(row, StatusViews.age(w.oldestSince(), now) + " (since " + time(w.oldestSince()) + ")");
                    cell(row, dash(w.reason()));
                    codeCell(
                            row,
                            w.errorClass() == null
                                    ? "-"
                                    : w.errorClass()
                                            + (w.httpStatus() == null ? "" : " (HTTP " + w.httpStatus() + ")"));
                    cell(row, time(w.nextAttemptAt()));
                    cell(row, dash(w.fix()));
                },
                "Offer",
                "Destination",
                "Waiting",
                "Oldest",
                "Reason",
                "Error class",
                "Next attempt",
                "Fix");

        section(
                h,
                "destinations",
                "Destinations (last 24 h)",
                "<p>No offers seen yet.</p>\n",
                o.destinations(),
                (row, t) -> {
                    row.append("<tr data-type=\"")
                            .append(esc(t.destinationType()))
                            .append("\">");
                    cell(row, t.destinationType());
                    numCell(row, t.offers());
                    numCell(row, t.failingOffers());
                    numCell(row, t.delivered());
                    numCell(row, t.sentUnconfirmed());
                    numCell(row, t.deadLettered());
                },
                "Type",
                "Offers",
                "Failing offers",
                "Delivered",
                "Sent, not confirmed",
                "Dead-lettered");

        section(
                h,
                "dlq-backlog",
                "Dead-letter backlog",
                "<p class=\"none\">No open dead letters</p>\n",
                o.deadLetterBacklog(),
                (row, b) -> {
                    row.append("<tr data-error-class=\"")
                            .append(esc(b.errorClass()))
                            .append("\">");
                    codeCell(row, b.errorClass());
                    cell(row, b.kind());
                    numCell(row, b.count());
                    cell(row, b.remediation());
                },
                "Error class",
                "Kind",
                "Open",
                "Remediation");

        section(
                h,
                "offers",
                "All offers",
                "<p>No offers seen yet.</p>\n",
                o.offers(),
                (row, s) -> {
                    offerRow(row, "verdict-" + s.verdict().name(), s);
                    cell(row, s.verdict().name());
                    cell(row, dash(s.destinationType()));
                    cell(
                            row,
                            s.lastDelivered() == null
                                    ? "never"
                                    : time(s.lastDelivered().at()));
                    numCell(row, s.last24h().received());
                    numCell(row, s.last24h().delivered());
                    numCell(row, s.last24h().sentUnconfirmed());
                    numCell(row, s.last24h().eduWithheld());
                    numCell(row, s.last24h().notContacted());
                    numCell(row, s.last24h().deadLettered());
                    cell(row, waitingCell(s, now));
                    cell(row, s.explanation());
                },
                "Offer",
                "Verdict",
                "Destination",
                "Last delivered",
                "Received",
                "Delivered",
                "Sent, not confirmed",
                "Suppressed (.edu)",
                "Do-not-contact, not delivered",
                "Dead-lettered",
                "Waiting",
                "Why");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** For {@code #waiting-offers}: every offer with leads waiting for their next attempt, most waiting first. */
    private static List<OfferStatus> waitingOffers(Overview o) {
        return o.offers().stream()
                .filter(s -> s.waiting() != null)
                .sorted(Comparator.comparingLong(OfferStatus::waitingCount)
                        .reversed()
                        .thenComparing(OfferStatus::offerId))
                .toList();
    }

    /**
     * One {@code <section>}: its heading, then {@code none} when there are no rows, else a table with the given column
     * headers and one {@code <tr>} per row ({@code row} writes the row's opening tag and its cells).
     */
    private static <T> void section(
            StringBuilder h,
            String id,
            String title,
            String none,
            List<T> rows,
            BiConsumer<StringBuilder, T> row,
            String... headers) {
        h.append("<section id=\"").append(id).append("\">\n<h2>").append(title).append("</h2>\n");
        if (rows.isEmpty()) {
            h.append(none);
        } else {
            h.append("<table>\n<thead><tr>");
            for (String header : headers) {
                h.append("<th>").append(header).append("</th>");
            }
            h.append("</tr></thead>\n<tbody>\n");
            for (T r : rows) {
                row.accept(h, r);
                h.append("</tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");
    }

    /** An offer's row: its opening tag (CSS class, {@code data-offer-id}) and the offer id cell. */
    private static void offerRow(StringBuilder h, String cssClass, OfferStatus s) {
        h.append("<tr class=\"")
                .append(cssClass)
                .append("\" data-offer-id=\"")
                .append(esc(s.offerId()))
                .append("\">");
        codeCell(h, s.offerId());
    }

    private static void cell(StringBuilder h, String text) {
        h.append("<td>").append(esc(text)).append("</td>");
    }

    private static void codeCell(StringBuilder h, String text) {
        h.append("<td><code>").append(esc(text)).append("</code></td>");
    }

    private static void numCell(StringBuilder h, long n) {
        h.append("<td class=\"num\">").append(n).append("</td>");
    }

    /** "N (oldest AGE)" for an offer with waiting leads, empty otherwise. */
    private static String waitingCell(OfferStatus s, Instant now) {
        Waiting w = s.waiting();
        return w == null ? "" : w.count() + " (oldest " + StatusViews.age(w.oldestSince(), now) + ")";
    }

    static String time(Instant t) {
        return t == null ? "-" : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
