package dev.leadpipe.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

import dev.leadpipe.status.StatusViews.Backlog;
import dev.leadpipe.status.StatusViews.DestinationTotals;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.OpenDeadLetters;
import dev.leadpipe.status.StatusViews.Overview;
import dev.leadpipe.status.StatusViews.Waiting;

/**
 * The operator status page ({@code GET /}): plain server-rendered HTML that refreshes itself every 10 s, no script.
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

        h.append("<section id=\"failing-offers\">\n<h2>Failing offers</h2>\n");
        if (o.failing().isEmpty()) {
            h.append("<p class=\"none\">No failing offers</p>\n");
        } else {
            h.append("<table>\n<thead><tr><th>Offer</th><th>Destination</th><th>Error class</th><th>Open</th>"
                    + "<th>Waiting</th><th>Remediation</th></tr></thead>\n<tbody>\n");
            for (OfferStatus s : o.failing()) {
                OpenDeadLetters worst = s.worstClass();
                Waiting w = s.waiting();
                String cls = worst != null
                        ? worst.errorClass()
                        : s.circuitOpen()
                                ? (s.circuit().errorClass() != null
                                        ? s.circuit().errorClass()
                                        : "circuit " + s.circuit().state())
                                : w != null ? w.why() : "-";
                String fix = worst != null ? worst.remediation() : s.explanation();
                h.append("<tr class=\"failing-offer\" data-offer-id=\"")
                        .append(esc(s.offerId()))
                        .append("\">")
                        .append("<td><code>")
                        .append(esc(s.offerId()))
                        .append("</code></td>")
                        .append("<td>")
                        .append(esc(dash(s.destinationType())))
                        .append("</td>")
                        .append("<td><code>")
                        .append(esc(cls))
                        .append("</code></td>")
                        .append("<td class=\"num\">")
                        .append(s.openDeadLetterCount())
                        .append("</td>")
                        .append("<td>")
                        .append(esc(waitingCell(s, o.generatedAt())))
                        .append("</td>")
                        .append("<td>")
                        .append(esc(fix))
                        .append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");

        renderWaiting(h, o);

        h.append("<section id=\"destinations\">\n<h2>Destinations (last 24 h)</h2>\n");
        if (o.destinations().isEmpty()) {
            h.append("<p>No offers seen yet.</p>\n");
        } else {
            h.append("<table>\n<thead><tr><th>Type</th><th>Offers</th><th>Failing offers</th><th>Delivered</th>"
                    + "<th>Dead-lettered</th></tr></thead>\n<tbody>\n");
            for (DestinationTotals t : o.destinations()) {
                h.append("<tr data-type=\"")
                        .append(esc(t.destinationType()))
                        .append("\"><td>")
                        .append(esc(t.destinationType()))
                        .append("</td><td class=\"num\">")
                        .append(t.offers())
                        .append("</td><td class=\"num\">")
                        .append(t.failingOffers())
                        .append("</td><td class=\"num\">")
                        .append(t.delivered())
                        .append("</td><td class=\"num\">")
                        .append(t.deadLettered())
                        .append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");

        h.append("<section id=\"dlq-backlog\">\n<h2>Dead-letter backlog</h2>\n");
        if (o.deadLetterBacklog().isEmpty()) {
            h.append("<p class=\"none\">No open dead letters</p>\n");
        } else {
            h.append(
                    "<table>\n<thead><tr><th>Error class</th><th>Kind</th><th>Open</th><th>Remediation</th></tr></thead>\n<tbody>\n");
            for (Backlog b : o.deadLetterBacklog()) {
                h.append("<tr data-error-class=\"")
                        .append(esc(b.errorClass()))
                        .append("\"><td><code>")
                        .append(esc(b.errorClass()))
                        .append("</code></td><td>")
                        .append(esc(b.kind()))
                        .append("</td><td class=\"num\">")
                        .append(b.count())
                        .append("</td><td>")
                        .append(esc(b.remediation()))
                        .append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");

        h.append("<section id=\"offers\">\n<h2>All offers</h2>\n");
        if (o.offers().isEmpty()) {
            h.append("<p>No offers seen yet.</p>\n");
        } else {
            h.append("<table>\n<thead><tr><th>Offer</th><th>Verdict</th><th>Destination</th><th>Last delivered</th>"
                    + "<th>Received</th><th>Delivered</th><th>Suppressed</th><th>Dead-lettered</th><th>Waiting</th>"
                    + "<th>Why</th></tr></thead>\n<tbody>\n");
            for (OfferStatus s : o.offers()) {
                h.append("<tr class=\"verdict-")
                        .append(s.verdict().name())
                        .append("\" data-offer-id=\"")
                        .append(esc(s.offerId()))
                        .append("\"><td><code>")
                        .append(esc(s.offerId()))
                        .append("</code></td><td>")
                        .append(s.verdict().name())
                        .append("</td><td>")
                        .append(esc(dash(s.destinationType())))
                        .append("</td><td>")
                        .append(esc(
                                s.lastDelivered() == null
                                        ? "never"
                                        : time(s.lastDelivered().at())))
                        .append("</td><td class=\"num\">")
                        .append(s.last24h().received())
                        .append("</td><td class=\"num\">")
                        .append(s.last24h().delivered())
                        .append("</td><td class=\"num\">")
                        .append(s.last24h().suppressed())
                        .append("</td><td class=\"num\">")
                        .append(s.last24h().deadLettered())
                        .append("</td><td>")
                        .append(esc(waitingCell(s, o.generatedAt())))
                        .append("</td><td>")
                        .append(esc(s.explanation()))
                        .append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n</body>\n</html>\n");
        return h.toString();
    }

    /** {@code #waiting-offers}: every offer with leads waiting for their next attempt, most waiting first. */
    private static void renderWaiting(StringBuilder h, Overview o) {
        List<OfferStatus> waiting = o.offers().stream()
                .filter(s -> s.waiting() != null)
                .sorted(Comparator.comparingLong(OfferStatus::waitingCount)
                        .reversed()
                        .thenComparing(OfferStatus::offerId))
                .toList();
        h.append("<section id=\"waiting-offers\">\n<h2>Leads waiting for their next attempt</h2>\n");
        if (waiting.isEmpty()) {
            h.append("<p class=\"none\">No leads waiting</p>\n");
        } else {
            h.append(
                    "<table>\n<thead><tr><th>Offer</th><th>Destination</th><th>Waiting</th><th>Oldest</th><th>Reason</th>"
                            + "<th>Error class</th><th>Next attempt</th><th>Fix</th></tr></thead>\n<tbody>\n");
            for (OfferStatus s : waiting) {
                Waiting w = s.waiting();
                h.append("<tr class=\"waiting-offer\" data-offer-id=\"")
                        .append(esc(s.offerId()))
                        .append("\">")
                        .append("<td><code>")
                        .append(esc(s.offerId()))
                        .append("</code></td>")
                        .append("<td>")
                        .append(esc(dash(s.destinationType())))
                        .append("</td>")
                        .append("<td class=\"num\">")
                        .append(w.count())
                        .append("</td>")
                        .append("<td>")
                        .append(esc(StatusViews.age(w.oldestSince(), o.generatedAt())))
                        .append(" (since ")
                        .append(esc(time(w.oldestSince())))
                        .append(")</td>")
                        .append("<td>")
                        .append(esc(dash(w.reason())))
                        .append("</td>")
                        .append("<td><code>")
                        .append(esc(
                                w.errorClass() == null
                                        ? "-"
                                        : w.errorClass()
                                                + (w.httpStatus() == null ? "" : " (HTTP " + w.httpStatus() + ")")))
                        .append("</code></td>")
                        .append("<td>")
                        .append(esc(time(w.nextAttemptAt())))
                        .append("</td>")
                        .append("<td>")
                        .append(esc(dash(w.fix())))
                        .append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");
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
