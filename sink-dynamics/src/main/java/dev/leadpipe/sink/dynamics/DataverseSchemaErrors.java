package dev.leadpipe.sink.dynamics;

import java.util.Collection;
import java.util.regex.Pattern;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.dynamics.DataverseMetadata.MetadataException;
import dev.leadpipe.sink.dynamics.DataverseSchema.Report;
import dev.leadpipe.sink.runtime.DeliveryFailure;

/**
 * Turns an upsert Dataverse refused because the lead table lacks leadpipe's columns or key into
 * {@link ErrorClass#DYNAMICS_SCHEMA_MISSING}, with a detail naming exactly what is missing.
 *
 * <p>The answers that point there (Microsoft's "Troubleshoot Dataverse Web API client errors" and public issue
 * threads): an alternate key that is not defined (or not active) on the entity set is refused while the URL is
 * parsed, {@code 400} with {@code 0x8006088a} "Bad Request - Error in query syntax." (the inner stack trace naming
 * {@code AlternateKeysODataUriResolver}); a column the table does not have is {@code 400} "Invalid property
 * 'leadpipe_leadsource' was found in entity 'Microsoft.Dynamics.CRM.lead'" (or "The property ... does not exist on
 * type", "Could not find a property named ..."). Such an answer is only a suspicion: the table's metadata is then
 * read ({@link DataverseSchemaCheck}), and only a finding makes it this class; when the metadata cannot be read the
 * class is kept with what the upsert's answer named.
 */
final class DataverseSchemaErrors {
    private static final Pattern UNKNOWN_LEADPIPE_PROPERTY = Pattern.compile(
            "(?:Invalid property|property named|The property) '" + "leadpipe_\\w+'", Pattern.CASE_INSENSITIVE);

    private DataverseSchemaErrors() {}

    /** Whether a refused upsert's answer may mean a missing key or column. */
    static boolean suspected(int status, String body) {
        if (status != 400 || body == null) {
            return false;
        }
        return body.contains("AlternateKeysODataUriResolver")
                || (body.contains("0x8006088a") && body.contains("Error in query syntax"))
                || UNKNOWN_LEADPIPE_PROPERTY.matcher(body).find();
    }

    /**
     * The failure for a suspected answer after reading the metadata: DYNAMICS_SCHEMA_MISSING naming every finding,
     * or null when the table has everything (the answer meant something else).
     */
    static DeliveryFailure confirm(DataverseMetadata metadata, int status, Collection<String> secrets) {
        Report report;
        try {
            report = DataverseSchemaCheck.check(metadata);
        } catch (MetadataException e) {
            return DeliveryFailure.redacted(
                    ErrorClass.DYNAMICS_SCHEMA_MISSING,
                    status,
                    null,
                    "Dataverse refused the upsert by the alternate key " + DataverseSchema.LEAD_ID_COLUMN
                            + " as it does for a missing key or column, and the lead table's definition could not"
                            + " be read to say which (" + e.getMessage() + "). Needed: the columns "
                            + DataverseSchema.LEAD_ID_COLUMN + " and " + DataverseSchema.LEAD_SOURCE_COLUMN
                            + " and an active alternate key on " + DataverseSchema.LEAD_ID_COLUMN + "; run "
                            + DataverseSchema.SETUP_COMMAND,
                    secrets);
        }
        if (report.ok()) {
            return null;
        }
        return DeliveryFailure.redacted(
                ErrorClass.DYNAMICS_SCHEMA_MISSING,
                status,
                null,
                "HTTP " + status + ": the Dataverse lead table is not set up for leadpipe: " + report.summary(),
                secrets);
    }
}
