package dev.leadpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.status.StatusViews.Counts;
import dev.leadpipe.status.StatusViews.Delivery;
import dev.leadpipe.status.StatusViews.LeadRef;
import dev.leadpipe.status.StatusViews.OpenDeadLetters;
import dev.leadpipe.status.StatusViews.Waiting;

/**
 * The sentences {@link StatusViews} builds its explanations from: what .edu suppression, Web-to-Lead's "sent, not
 * confirmed" and a healthy offer's counts are called, how waiting leads are described, and how ages and classes are
 * written. Ids, times, counts and classes only.
 */
final class StatusWording {
    private StatusWording() {}

    /** What the status says of .edu leads: the marketplace's privacy rule, which leadpipe keeps. */
    static final String EDU_WITHHELD =
            "personal data withheld, nothing forwarded (the marketplace never passes on a .edu customer's personal data)";

    /** What the status says of leads sent to Salesforce Web-to-Lead. */
    static final String UNCONFIRMED_ADVICE = "Salesforce Web-to-Lead answers 200 even when it drops a lead: search"
            + " Salesforce's Leads for them, check that no picklist is required on the Web-to-Lead form, or move to the"
            + " REST route, which confirms each lead";

    static boolean eduOnly(Counts total) {
        return total.suppressed() > 0
                && total.delivered() == 0
                && total.sentUnconfirmed() == 0
                && total.deadLettered() == 0;
    }

    /** e.g. "5 delivered, 3 sent, not confirmed (...), 1 from a .edu customer withheld in the last 24 h; last ...". */
    static String healthy(Counts c, Delivery delivered, LeadRef sentUnconfirmed) {
        List<String> parts = new ArrayList<>();
        if (c.delivered() > 0 || c.sentUnconfirmed() == 0) {
            parts.add(c.delivered() + " delivered");
        }
        if (c.sentUnconfirmed() > 0) {
            parts.add(c.sentUnconfirmed() + " sent, not confirmed (" + UNCONFIRMED_ADVICE + ")");
        }
        if (c.suppressed() > 0) {
            parts.add(c.suppressed() + " from .edu customers withheld");
        }
        String last = c.delivered() > 0 && delivered != null
                ? "; last delivered " + delivered.leadId() + " at " + delivered.at()
                : c.sentUnconfirmed() > 0 && sentUnconfirmed != null
                        ? "; last sent " + sentUnconfirmed.leadId() + " at " + sentUnconfirmed.at()
                        : delivered == null ? "" : "; last delivered " + delivered.leadId() + " at " + delivered.at();
        return String.join(", ", parts) + " in the last 24 h" + last;
    }

    /** e.g. "3 leads wait for their next attempt (oldest since T, 2 h 14 min ago): RETRY after ... (HTTP 503): fix". */
    static String waitingSentence(Waiting w, Instant now, String offerId) {
        String what = w.behindOpenCircuit()
                ? " behind the destination's open circuit"
                : w.count() == 1 ? " for its next attempt" : " for their next attempt";
        return w.count() + (w.count() == 1 ? " lead waits" : " leads wait") + what + " (oldest since " + w.oldestSince()
                + ", " + age(w.oldestSince(), now) + " ago): " + w.why()
                + (w.nextAttemptAt() == null ? "" : ", next attempt at " + w.nextAttemptAt())
                + (w.fix() == null ? "" : ". " + w.fix())
                + " See them: leadctl waiting list --offer " + offerId;
    }

    static String joinClasses(List<OpenDeadLetters> open) {
        List<String> parts = new ArrayList<>();
        for (OpenDeadLetters o : open) {
            parts.add(o.errorClass() + " " + o.count());
        }
        return String.join(", ", parts);
    }

    static String age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
