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
 * The sentences {@link StatusViews} builds its explanations from: what .edu suppression, do-not-contact leads a
 * {@code record-only} destination did not get, Web-to-Lead's "sent, not confirmed" and a healthy offer's counts are
 * called, how waiting leads are described, and how ages and classes are
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

    /** What the status says of do-not-contact leads a destination with {@code doNotContactLeads=record-only} kept. */
    static final String NOT_CONTACTED = "recorded, not delivered (doNotContactLeads=record-only)";

    /** Why they were not delivered, and how to receive the ones that follow. */
    static final String NOT_CONTACTED_ADVICE = "the marketplace marked them DNC, do not contact, and the destination"
            + " records such leads without sending them; to receive them marked do-not-contact, set doNotContactLeads"
            + " to deliver-marked";

    /** Whether every outcome counted was SUPPRESSED (.edu or do-not-contact): nothing was ever forwarded. */
    static boolean onlySuppressed(Counts c) {
        return c.suppressed() > 0 && c.delivered() == 0 && c.sentUnconfirmed() == 0 && c.deadLettered() == 0;
    }

    /** Whether every outcome counted was a .edu lead's suppression (no do-not-contact lead among them). */
    static boolean eduOnly(Counts total) {
        return onlySuppressed(total) && total.notContacted() == 0;
    }

    /** e.g. "2 do-not-contact leads recorded, not delivered (doNotContactLeads=record-only)". */
    static String notContacted(long n) {
        return n + " do-not-contact " + (n == 1 ? "lead " : "leads ") + NOT_CONTACTED;
    }

    /**
     * For an offer with no lead in the last 24 h: why none of the leads received so far was forwarded, when all were
     * suppressed (starting with "; "), else "".
     */
    static String noneForwardedSoFar(Counts total) {
        if (!onlySuppressed(total)) {
            return "";
        }
        if (eduOnly(total)) {
            return "; all " + total.suppressed() + " received so far came from .edu customers: " + EDU_WITHHELD;
        }
        if (total.eduWithheld() == 0) {
            return "; all " + total.suppressed() + " received so far were do-not-contact leads " + NOT_CONTACTED + ": "
                    + NOT_CONTACTED_ADVICE;
        }
        return "; none of the " + total.suppressed() + " received so far was forwarded: " + total.eduWithheld()
                + " from .edu customers (personal data withheld), " + notContacted(total.notContacted());
    }

    /**
     * For an offer whose only outcomes of the last 24 h were SUPPRESSED: e.g. "4 leads from .edu customers in the last
     * 24 h: ...; 1 do-not-contact lead recorded, not delivered (doNotContactLeads=record-only) in the last 24 h: ...;
     * no other lead was received".
     */
    static String onlySuppressedIn24h(Counts c) {
        List<String> parts = new ArrayList<>();
        long edu = c.eduWithheld();
        if (edu > 0) {
            parts.add(edu + (edu == 1 ? " lead" : " leads") + " from .edu customers in the last 24 h: " + EDU_WITHHELD);
        }
        if (c.notContacted() > 0) {
            parts.add(notContacted(c.notContacted()) + " in the last 24 h: " + NOT_CONTACTED_ADVICE);
        }
        return String.join("; ", parts) + "; no other lead was received";
    }

    /**
     * e.g. "5 delivered, 3 sent, not confirmed (...), 1 from .edu customers withheld, 2 do-not-contact leads recorded,
     * not delivered (doNotContactLeads=record-only) in the last 24 h; last ...".
     */
    static String healthy(Counts c, Delivery delivered, LeadRef sentUnconfirmed) {
        List<String> parts = new ArrayList<>();
        if (c.delivered() > 0 || c.sentUnconfirmed() == 0) {
            parts.add(c.delivered() + " delivered");
        }
        if (c.sentUnconfirmed() > 0) {
            parts.add(c.sentUnconfirmed() + " sent, not confirmed (" + UNCONFIRMED_ADVICE + ")");
        }
        if (c.eduWithheld() > 0) {
            parts.add(c.eduWithheld() + " from .edu customers withheld");
        }
        if (c.notContacted() > 0) {
            parts.add(notContacted(c.notContacted()));
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
