package dev.leadpipe.notifier;

import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.ErrorKind;
import dev.leadpipe.core.notice.DestinationNotice;

/**
 * Writes the e-mails that tell an offer's contacts its destination is failing, or works again. Their only inputs are
 * the offer id, destination type, error class (its code and remediation) and times of a {@link DestinationNotice}: no
 * lead, customer, setting or secret reaches them.
 */
final class DestinationNoticeMessages {
    private DestinationNoticeMessages() {}

    static String failureSubject(DestinationNotice n) {
        return "Action needed: the lead destination of " + oneLine(n.offerId()) + " is failing ("
                + n.errorClass().code() + ")";
    }

    /**
     * @param retryWindow how long the sinks retry a lead that fails transiently ({@code SINK_MAX_RETRY_TIME})
     */
    static String failureBody(DestinationNotice n, Duration retryWindow) {
        ErrorClass c = n.errorClass();
        StringBuilder b = new StringBuilder();
        b.append("The lead destination of your offer ")
                .append(oneLine(n.offerId()))
                .append(" (")
                .append(type(n))
                .append(") is failing, so leadpipe cannot deliver its leads to it.\n\n");
        b.append("Failing since: ").append(LeadMessages.time(n.brokenSince())).append('\n');
        b.append("Error class:   ").append(c.code()).append('\n');
        b.append("Last failure:  ").append(LeadMessages.time(n.lastFailureAt())).append("\n\n");
        b.append("How to fix it:\n").append(c.remediation()).append("\n\n");
        b.append("What happens to your leads meanwhile:\n");
        if (c.kind() == ErrorKind.TRANSIENT) {
            b.append("No lead is lost. Each lead is held and retried automatically for up to ")
                    .append(words(retryWindow))
                    .append(" after its first failure, and is delivered as soon as your destination takes it. A lead"
                            + " still failing after that is kept by leadpipe (dead-lettered), and is sent to your"
                            + " destination after the fix when it is replayed.\n\n");
        } else {
            b.append("No lead is lost, but none is delivered until this is fixed: leadpipe keeps each lead that"
                            + " failed with this error (dead-lettered). After you fix the lead configuration, new leads are"
                            + " delivered again, and the kept ones are sent to your destination when they are replayed (ask"
                            + " whoever operates leadpipe to replay offer ")
                    .append(oneLine(n.offerId()))
                    .append(").\n\n");
        }
        b.append("You get at most one such e-mail a day for this offer, and one more once your destination takes a"
                + " lead again. This e-mail contains no customer data.\n");
        return b.toString();
    }

    static String recoverySubject(DestinationNotice n) {
        return "Resolved: the lead destination of " + oneLine(n.offerId()) + " works again";
    }

    static String recoveryBody(DestinationNotice n) {
        return "The lead destination of your offer " + oneLine(n.offerId()) + " (" + type(n) + ") took a lead again at "
                + LeadMessages.time(n.lastWorkingAt()) + ". It had been failing since "
                + LeadMessages.time(n.brokenSince()) + " (last error class "
                + n.errorClass().code() + ").\n\n"
                + "New leads are delivered as usual, and leads still waiting for a retry are delivered at their next"
                + " attempt. Leads that were dead-lettered while it failed are kept by leadpipe; they reach your"
                + " destination once they are replayed (ask whoever operates leadpipe to replay offer "
                + oneLine(n.offerId()) + ").\n\n"
                + "This e-mail contains no customer data.\n";
    }

    /** "24 hours", "90 minutes", "45 seconds". */
    static String words(Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        }
        if (d.toMinutes() > 0 && d.toSecondsPart() == 0) {
            return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
        }
        return d.toSeconds() + " seconds";
    }

    private static String type(DestinationNotice n) {
        return n.destinationType() == null ? "unknown type" : oneLine(n.destinationType());
    }

    private static String oneLine(String s) {
        return s == null ? "unknown" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
