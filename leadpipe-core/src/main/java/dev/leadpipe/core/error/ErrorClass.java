package dev.leadpipe.core.error;

/**
 * Every class a failed delivery can be put in, mirroring docs/error-catalogue.md. The class, not the raw
 * exception text, is what operators filter the dead-letter topic by, what metrics are tagged with and what
 * replay selects. Each carries its stable code (the constant's name), whether a retry can help, and the
 * publisher-facing remediation.
 */
public enum ErrorClass {
    // Dynamics 365 / Dataverse and Azure AD
    DYNAMICS_LOGIN_FAILED(
            ErrorKind.PERMANENT,
            "The Office 365 user name or password was refused, or the account cannot open Dynamics 365. Check the user and password, and that the account has a Dynamics 365 licence and can sign in to the instance."),
    DYNAMICS_MISSING_LEAD_WRITER_ROLE(
            ErrorKind.PERMANENT,
            "The user may not create leads with a lead source. Give the application user (Azure AD) or the Office user the \"Microsoft Marketplace Lead Writer\" security role."),
    DYNAMICS_NO_ROLES_ASSIGNED(
            ErrorKind.PERMANENT,
            "The Dynamics 365 user has no security role at all. Assign it the \"Microsoft Marketplace Lead Writer\" role."),
    AAD_TENANT_NOT_FOUND(
            ErrorKind.PERMANENT,
            "The directory (tenant) id is not an Azure AD directory with an active subscription. Copy the directory id from Azure Active Directory > Overview."),
    AAD_TENANT_ID_INVALID_FORMAT(
            ErrorKind.PERMANENT,
            "The directory (tenant) id is malformed. It must be a GUID or a verified domain name of the directory."),
    AAD_APP_NOT_FOUND(
            ErrorKind.PERMANENT,
            "No application with this application (client) id exists in the directory. Copy the id from Azure AD > App registrations, in the same directory as the tenant id."),
    AAD_INVALID_CLIENT_SECRET(
            ErrorKind.PERMANENT,
            "The client secret is wrong or expired. Create a new secret under Azure AD > App registrations > Certificates & secrets and update the lead configuration."),
    DYNAMICS_TIMEOUT(
            ErrorKind.TRANSIENT,
            "Dynamics 365 did not answer in time. Retried with backoff; if it keeps happening, check that the instance URL is a working Dynamics 365 instance."),
    DYNAMICS_INVALID_INSTANCE_URL(
            ErrorKind.PERMANENT,
            "The instance URL is not a Dynamics 365 (Dataverse) instance. Set it to https://ORG.crm.dynamics.com."),
    DYNAMICS_THROTTLED(
            ErrorKind.TRANSIENT,
            "Dataverse service protection limits were hit. The sink waits for Retry-After and lowers its concurrency; nothing to change unless it persists."),
    DYNAMICS_SCHEMA_MISSING(
            ErrorKind.PERMANENT,
            "The Dataverse lead table lacks what leadpipe writes: the text column leadpipe_leadid with an active alternate key on it, and the text column leadpipe_leadsource (the marketplace's own solution creates neither). Run leadctl destinations setup OFFER (the application user needs the System Customizer role for it), or create them by hand in Power Apps > Tables > Lead: the columns (Single line of text, leadpipe_leadid 128 characters, leadpipe_leadsource 400) and a key on leadpipe_leadid; then replay."),

    // Salesforce
    SALESFORCE_REQUIRED_PICKLIST(
            ErrorKind.PERMANENT,
            "The Salesforce lead form or Lead object has a required picklist field the marketplace cannot fill. Make that field a required text field, or not required."),
    SALESFORCE_INVALID_ORG_ID(
            ErrorKind.PERMANENT,
            "The Salesforce organisation id is wrong. Copy the 15 or 18 character id from Setup > Company Information."),
    SALESFORCE_AUTH_FAILED(
            ErrorKind.PERMANENT,
            "Salesforce refused the connected app's credentials. Fix the client id, secret or certificate of the connected app in the lead configuration."),
    SALESFORCE_LIMIT_EXCEEDED(
            ErrorKind.TRANSIENT,
            "Salesforce's API limits were reached or the service is unavailable. Retried with backoff."),

    // Azure Table
    TABLE_AUTH_FAILED(
            ErrorKind.PERMANENT,
            "The storage account refused the key or SAS. Fix the storage connection string in the lead configuration."),
    TABLE_ACCOUNT_NOT_FOUND(
            ErrorKind.PERMANENT,
            "The storage account does not exist (its host name does not resolve). Fix the account name in the connection string."),
    TABLE_UNAVAILABLE(ErrorKind.TRANSIENT, "The Table service is busy or unreachable. Retried with backoff."),

    // Routing and input
    DESTINATION_UNSUPPORTED(
            ErrorKind.PERMANENT,
            "Azure Blob storage is no longer a supported lead destination. Choose another destination; this lead is held in the dead-letter topic and can be replayed once the destination is changed."),
    DESTINATION_ADDRESS_REFUSED(
            ErrorKind.PERMANENT,
            "The destination's host resolves to a private, loopback or link-local address (or is reached over plain http) and is not allow-listed, so nothing was sent. Point the destination at its public https address, or, if the address is intended, have the operator allow-list it with DESTINATION_ALLOWED_HOSTS; then replay."),
    NO_DESTINATION_CONFIGURED(
            ErrorKind.PERMANENT,
            "The offer has no lead destination. Configure one; this lead is held in the dead-letter topic and can be replayed afterwards."),
    LEAD_ID_REUSED(
            ErrorKind.PERMANENT,
            "The leadId was already used for a different lead within the de-duplication window, so this lead was not delivered. Send a new leadId for a different lead; this lead is held in the dead-letter topic."),
    EDU_PRIVACY_SUPPRESSED(
            ErrorKind.NOT_AN_ERROR,
            "The customer's e-mail domain is .edu: for privacy no personal data is passed on. Nothing to fix."),
    DO_NOT_CONTACT_NOT_DELIVERED(
            ErrorKind.NOT_AN_ERROR,
            "The marketplace marked this lead DNC, do not contact: the customer did not ask to be contacted and must not be, and this destination's doNotContactLeads setting is record-only, so the lead was recorded and not sent (it is not held for replay). To receive the DNC leads that follow, marked do-not-contact, set doNotContactLeads to deliver-marked (the default)."),
    MALFORMED_RECORD(
            ErrorKind.PERMANENT,
            "A record on a pipeline topic could not be read. Inspect its producer; the raw bytes are kept in the dead-letter record."),
    SECRET_UNREADABLE(
            ErrorKind.PERMANENT,
            "The destination's stored secret cannot be decrypted by this sink: it was encrypted with a key the sink does not have (rotated away too early, or a different key file). Give the sink that key, or enter the secret again; then replay."),
    DESTINATION_HTTP_ERROR(
            ErrorKind.BY_STATUS, "The destination answered with an unexpected HTTP error; see the upstream detail."),
    UNKNOWN(ErrorKind.TRANSIENT, "An unexpected failure; see the upstream detail.");

    private final ErrorKind kind;
    private final String remediation;

    ErrorClass(ErrorKind kind, String remediation) {
        this.kind = kind;
        this.remediation = remediation;
    }

    /** The stable code operators filter by. */
    public String code() {
        return name();
    }

    public ErrorKind kind() {
        return kind;
    }

    public String remediation() {
        return remediation;
    }

    /** Whether a retry can help, given the upstream HTTP status where the kind depends on it (0 when none). */
    public boolean isTransient(int httpStatus) {
        return switch (kind) {
            case TRANSIENT -> true;
            case PERMANENT, NOT_AN_ERROR -> false;
            case BY_STATUS -> httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
        };
    }
}
