package dev.leadpipe.sink.dynamics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which refused upserts make the sink read the lead table's metadata: Dataverse's real answers for a missing
 * alternate key and an unknown column, and not other 400s.
 */
class DataverseSchemaErrorsTest {
    /**
     * https://github.com/davidyack/Xrm.Tools.CRMWebAPI/issues/92: the answer to a PATCH by an alternate key Dataverse
     * does not have (as far as the issue quotes it; its stack trace is cut there, so it is empty here).
     */
    static final String MISSING_KEY = "{\"error\":{\"code\":\"0x8006088a\",\"message\":\"Bad Request - Error in query"
            + " syntax.\",\"innererror\":{\"message\":\"Bad Request - Error in query syntax.\",\"type\":"
            + "\"Microsoft.OData.ODataException\",\"stacktrace\":\"\"}}}";

    /**
     * The same refusal as Microsoft's own Dataverse client code recognises it (XrmHttpClientMissingAKException: 400,
     * code 0x0 or 0x8006088a, AlternateKeysODataUriResolver in the inner stack trace).
     */
    static final String MISSING_KEY_BY_TRACE =
            "{\"error\":{\"code\":\"0x0\",\"message\":\"Bad Request\",\"innererror\":"
                    + "{\"type\":\"Microsoft.OData.ODataException\",\"stacktrace\":\"   at"
                    + " Microsoft.Crm.Extensibility.OData.AlternateKeysODataUriResolver.ResolveKeys(...)\"}}}";

    /**
     * https://learn.microsoft.com/en-us/troubleshoot/power-platform/power-apps/dataverse/web-api-client-errors
     * ("Invalid property {property name} was found in entity 'Microsoft.Dynamics.CRM.{entity name}'"), for our column.
     */
    static final String UNKNOWN_COLUMN = "{\"error\":{\"code\":\"0x0\",\"message\":\"An error occurred while validating"
            + " input parameters: Microsoft.Crm.CrmException: Invalid property 'leadpipe_leadsource' was found in entity"
            + " 'Microsoft.Dynamics.CRM.lead'. ---> Microsoft.OData.ODataException: Does not support untyped value in"
            + " non-open type.\"}}";

    /** The same page's payload error (a navigation property): not about leadpipe's schema. */
    static final String OTHER_PAYLOAD_ERROR = "{\"error\":{\"code\":\"0x80048d19\",\"message\":\"Error identified in"
            + " Payload provided by the user for Entity :'leads'  ---->  InnerException :"
            + " Microsoft.OData.ODataException: An undeclared property 'parentcustomerid' which only has property"
            + " annotations in the payload but no property value was found in the payload.\"}}";

    @Test
    void dataversesAnswersForAMissingKeyOrColumnAreSuspected() {
        assertThat(DataverseSchemaErrors.suspected(400, MISSING_KEY)).isTrue();
        assertThat(DataverseSchemaErrors.suspected(400, MISSING_KEY_BY_TRACE)).isTrue();
        assertThat(DataverseSchemaErrors.suspected(400, UNKNOWN_COLUMN)).isTrue();
    }

    @Test
    void otherRefusalsAreNot() {
        assertThat(DataverseSchemaErrors.suspected(400, OTHER_PAYLOAD_ERROR)).isFalse();
        assertThat(DataverseSchemaErrors.suspected(403, UNKNOWN_COLUMN)).isFalse();
        assertThat(DataverseSchemaErrors.suspected(
                        400,
                        "{\"error\":{\"code\":\"0x0\",\"message\":\"Invalid property"
                                + " 'Name' was found in entity 'Microsoft.Dynamics.CRM.lead'.\"}}"))
                .as("a column leadpipe does not own")
                .isFalse();
        assertThat(DataverseSchemaErrors.suspected(400, null)).isFalse();
    }
}
