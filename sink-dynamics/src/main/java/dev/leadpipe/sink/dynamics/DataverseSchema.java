package dev.leadpipe.sink.dynamics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What leadpipe needs in a Dataverse environment's {@code lead} table beyond what the marketplace's own solution
 * creates, and what a check found missing. Delivery upserts {@code leads(leadpipe_leadid='<leadId>')}, which needs
 * the text column {@value #LEAD_ID_COLUMN} with an <em>active</em> alternate key on it, and writes the raw lead
 * source into the text column {@value #LEAD_SOURCE_COLUMN}.
 */
public final class DataverseSchema {
    public static final String ENTITY = "lead";
    public static final String LEAD_ID_COLUMN = "leadpipe_leadid";
    public static final String LEAD_SOURCE_COLUMN = "leadpipe_leadsource";
    /** The schema names the setup creates (the logical names are their lower case). */
    public static final String LEAD_ID_SCHEMA_NAME = "leadpipe_LeadId";

    public static final String LEAD_SOURCE_SCHEMA_NAME = "leadpipe_LeadSource";
    public static final String KEY_SCHEMA_NAME = "leadpipe_LeadIdKey";
    /** Column lengths: a leadId is at most 128 characters; the lead source is cut to 400 by the mapping. */
    public static final int LEAD_ID_LENGTH = 128;

    public static final int LEAD_SOURCE_LENGTH = 400;
    /** The command that fixes a finding, with the offer in place of {@code OFFER}. */
    public static final String SETUP_COMMAND = "leadctl destinations setup OFFER";

    private DataverseSchema() {}

    /** What is wrong with one required item. */
    public enum Problem {
        COLUMN_MISSING,
        KEY_MISSING,
        KEY_PENDING,
        KEY_FAILED
    }

    /**
     * One thing missing or not ready.
     *
     * @param item    the column or key, e.g. {@code column leadpipe_leadid}
     * @param problem what is wrong
     * @param fix     what to do about it, by hand or with {@value #SETUP_COMMAND}
     */
    public record Finding(String item, Problem problem, String fix) {
        /** One line: {@code the column leadpipe_leadid is missing: <fix>}. */
        public String line() {
            String what = switch (problem) {
                case COLUMN_MISSING, KEY_MISSING -> "is missing";
                case KEY_PENDING -> "is not active yet (its index is still being built)";
                case KEY_FAILED -> "failed to activate (its index could not be built)";
            };
            return "the " + item + " " + what + ": " + fix;
        }
    }

    /**
     * What a check of the {@code lead} table found.
     *
     * @param findings        what is missing or not ready, in the order to fix it; empty when delivery can work
     * @param keyIndexStatus  the {@code EntityKeyIndexStatus} of the key on {@value #LEAD_ID_COLUMN}, or null when
     *                        there is none
     */
    public record Report(List<Finding> findings, String keyIndexStatus) {
        public Report {
            findings = List.copyOf(findings);
        }

        public boolean ok() {
            return findings.isEmpty();
        }

        /** Every finding in one line, or "the lead table has ..." when nothing is missing. */
        public String summary() {
            if (ok()) {
                return "the lead table has the columns " + LEAD_ID_COLUMN + " and " + LEAD_SOURCE_COLUMN
                        + " and an active alternate key on " + LEAD_ID_COLUMN;
            }
            return findings.stream().map(Finding::line).collect(Collectors.joining("; "));
        }
    }

    static Finding columnMissing(String column, int length) {
        return new Finding(
                "column " + column,
                Problem.COLUMN_MISSING,
                "run " + SETUP_COMMAND + ", or add it by hand in Power Apps > Tables > Lead > Columns (Single line of"
                        + " text, logical name " + column + ", maximum length " + length + ")");
    }

    static Finding keyMissing() {
        return new Finding(
                "alternate key on " + LEAD_ID_COLUMN,
                Problem.KEY_MISSING,
                "run " + SETUP_COMMAND + ", or add it by hand in Power Apps > Tables > Lead > Keys (a key on the"
                        + " column " + LEAD_ID_COLUMN + ") and wait until its status is Active");
    }

    static Finding keyPending(String status) {
        return new Finding(
                "alternate key on " + LEAD_ID_COLUMN + " (EntityKeyIndexStatus " + status + ")",
                Problem.KEY_PENDING,
                "wait until Dataverse has built its index (Power Apps > Tables > Lead > Keys shows Active; "
                        + SETUP_COMMAND + " waits for it)");
    }

    static Finding keyFailed() {
        return new Finding(
                "alternate key on " + LEAD_ID_COLUMN + " (EntityKeyIndexStatus Failed)",
                Problem.KEY_FAILED,
                "remove lead rows with duplicate " + LEAD_ID_COLUMN + " values, then reactivate the key (Power Apps >"
                        + " Tables > Lead > Keys > Reactivate, or the ReactivateEntityKey action)");
    }
}
