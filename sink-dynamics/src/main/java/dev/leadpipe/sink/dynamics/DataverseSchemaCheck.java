package dev.leadpipe.sink.dynamics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.leadpipe.sink.dynamics.DataverseMetadata.Key;
import dev.leadpipe.sink.dynamics.DataverseMetadata.MetadataException;
import dev.leadpipe.sink.dynamics.DataverseSchema.Finding;
import dev.leadpipe.sink.dynamics.DataverseSchema.Report;

/**
 * Reads the {@code lead} table's columns and alternate keys and reports what delivery needs and does not find (see
 * {@link DataverseSchema}): each missing column, a missing alternate key on {@value DataverseSchema#LEAD_ID_COLUMN},
 * or one whose {@code EntityKeyIndexStatus} is not {@code Active} ({@code Pending}/{@code InProgress}: wait;
 * {@code Failed}: duplicates to remove, then reactivate). Reads only.
 */
final class DataverseSchemaCheck {
    private DataverseSchemaCheck() {}

    static Report check(DataverseMetadata metadata) throws MetadataException {
        List<String> columns =
                metadata.columns(List.of(DataverseSchema.LEAD_ID_COLUMN, DataverseSchema.LEAD_SOURCE_COLUMN));
        List<Finding> findings = new ArrayList<>();
        if (!columns.contains(DataverseSchema.LEAD_ID_COLUMN)) {
            findings.add(DataverseSchema.columnMissing(DataverseSchema.LEAD_ID_COLUMN, DataverseSchema.LEAD_ID_LENGTH));
        }
        if (!columns.contains(DataverseSchema.LEAD_SOURCE_COLUMN)) {
            findings.add(DataverseSchema.columnMissing(
                    DataverseSchema.LEAD_SOURCE_COLUMN, DataverseSchema.LEAD_SOURCE_LENGTH));
        }
        Key key = keyOnLeadId(metadata.keys());
        String status = key == null ? null : key.indexStatus();
        if (key == null) {
            findings.add(DataverseSchema.keyMissing());
        } else if ("Failed".equalsIgnoreCase(status)) {
            findings.add(DataverseSchema.keyFailed());
        } else if (!"Active".equalsIgnoreCase(status)) {
            findings.add(DataverseSchema.keyPending(status == null || status.isBlank() ? "unknown" : status));
        }
        return new Report(findings, status);
    }

    /** The key whose only attribute is the lead id column, or null. */
    static Key keyOnLeadId(List<Key> keys) {
        for (Key k : keys) {
            if (k.attributes().size() == 1
                    && k.attributes().getFirst().toLowerCase(Locale.ROOT).equals(DataverseSchema.LEAD_ID_COLUMN)) {
                return k;
            }
        }
        return null;
    }
}
