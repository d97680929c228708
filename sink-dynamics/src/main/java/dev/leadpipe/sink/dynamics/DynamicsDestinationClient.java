package dev.leadpipe.sink.dynamics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.aad.msal4j.IHttpClient;
import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.DynamicsSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.sink.dynamics.DynamicsErrorClassifier.Stage;
import dev.leadpipe.sink.dynamics.DynamicsErrorClassifier.Upstream;
import dev.leadpipe.sink.runtime.CappedBody;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpDestinationClient;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.runtime.LeadFields;

import static dev.leadpipe.core.destination.types.DynamicsSpec.APPLICATION_ID;
import static dev.leadpipe.core.destination.types.DynamicsSpec.CLIENT_SECRET;
import static dev.leadpipe.core.destination.types.DynamicsSpec.INSTANCE_URL;
import static dev.leadpipe.core.destination.types.DynamicsSpec.PASSWORD;
import static dev.leadpipe.core.destination.types.DynamicsSpec.TENANT_ID;
import static dev.leadpipe.core.destination.types.DynamicsSpec.USER_NAME;

/**
 * Delivers a lead to Dynamics 365 (Dataverse Web API v9.2) as an upsert of a {@code lead} row on the alternate key
 * {@code leadpipe_leadid}: {@code PATCH <instanceUrl>/api/data/v9.2/leads(leadpipe_leadid='<leadId>')} without
 * {@code If-Match}, so a retry, a replay or a re-delivery rewrites the same row. Returns the row's id (the GUID of
 * the {@code OData-EntityId} header).
 *
 * <p>Destination settings: {@value DynamicsSpec#INSTANCE_URL} ({@code https://ORG.crm.dynamics.com}), and either
 * {@value DynamicsSpec#TENANT_ID} + {@value DynamicsSpec#APPLICATION_ID} + {@value DynamicsSpec#CLIENT_SECRET} (Azure AD application user: client
 * credentials) or {@value DynamicsSpec#USER_NAME} + {@value DynamicsSpec#PASSWORD} (Office 365 user: the resource-owner password grant, with
 * the public client id {@value #OFFICE_CLIENT_ID}, or {@value DynamicsSpec#APPLICATION_ID} when set, and {@value DynamicsSpec#TENANT_ID} or
 * {@code organizations} as tenant). Sign-in uses msal4j with authority {@code <authorityHost>/<tenant>/}, instance
 * discovery off, scope {@code <instanceUrl>/.default}; one msal4j application per (authority, client id, secret
 * hash), so its token cache serves every lead of that destination (the password route keeps the last token until 5
 * minutes before it expires). A 401 from Dataverse refreshes the token once; a second 401 is DYNAMICS_LOGIN_FAILED.
 *
 * <p>Field mapping (lead → Dataverse {@code lead} column):
 * <pre>
 * UserDetails.FirstName  → firstname          UserDetails.LastName → lastname
 * UserDetails.Email      → emailaddress1      UserDetails.Phone    → telephone1
 * UserDetails.Company    → companyname        UserDetails.Title    → jobtitle
 * UserDetails.Country    → address1_country   Description          → description
 * "OfferTitle (Action) via Source"            → subject ({@link LeadFields#subject}: "Contoso Widget (Contact me) via AppSource")
 * 8 (Web)                → leadsourcecode     LeadSource (raw)     → leadpipe_leadsource
 * leadId                 → leadpipe_leadid (the alternate key, in the URL)
 * action DNC (do not contact) → donotemail, donotphone, donotbulkemail, donotfax, donotpostalmail = true
 * </pre>
 * Absent values are not sent (the do-not-contact columns only for a DNC lead); strings are cut to the columns'
 * maximum lengths. Whether a DNC lead is sent at all is the destination's {@link DoNotContactLeads} setting, decided
 * by the sink runtime before this client is called.
 *
 * <p>Every Dataverse call gives up after the timeout (default 2 minutes) → DYNAMICS_TIMEOUT; the instance URL must
 * be https (plain http only for a loopback host, for tests and the local run). Failures are classified by
 * {@link DynamicsErrorClassifier}; an upsert refused as Dataverse refuses one on a missing key or column is checked
 * against the lead table's metadata and, when something is missing, is DYNAMICS_SCHEMA_MISSING naming it
 * ({@link DataverseSchemaErrors}). Thread-safe.
 */
public final class DynamicsDestinationClient extends HttpDestinationClient {
    public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
    /** The public client id of Microsoft's Dynamics 365 sample application, for the Office 365 user route. */
    public static final String OFFICE_CLIENT_ID = "51f81489-12ee-4a9e-aaae-a2591f45987d";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    /** {@code leadsourcecode} option "Web". */
    public static final int LEAD_SOURCE_CODE_WEB = 8;

    /**
     * The lead's do-not-contact columns, set true for a do-not-contact (DNC) lead and not sent for any other (so a
     * publisher's own choice on the row is never overwritten).
     */
    public static final List<String> DO_NOT_CONTACT_COLUMNS =
            List.of("donotemail", "donotphone", "donotbulkemail", "donotfax", "donotpostalmail");

    private static final DestinationSpec SPEC = DestinationSpecs.of(DestinationType.DYNAMICS);
    static final String API_PATH = "/api/data/v9.2/";
    private static final int MAX_CACHED_SIGNERS = 10_000;

    private final String authorityHost;
    private final IHttpClient msalHttp;
    private final ConcurrentMap<String, TokenSource> signers = new ConcurrentHashMap<>();

    /** Production: login.microsoftonline.com, default HTTP clients, 2-minute timeout. */
    public DynamicsDestinationClient() {
        this(DEFAULT_AUTHORITY_HOST, null, null, DEFAULT_TIMEOUT);
    }

    /**
     * @param authorityHost {@code https://HOST} of Azure AD (default {@value #DEFAULT_AUTHORITY_HOST} when null)
     * @param msalHttp      msal4j's HTTP client, or null for a {@link MsalHttp} over the Dataverse HTTP client (answers
     *                      capped); tests: {@link MsalHttp#via} the stand-in
     * @param http          the Dataverse HTTP client, or null for a default one
     * @param timeout       per-request timeout (Dataverse and sign-in)
     */
    public DynamicsDestinationClient(String authorityHost, IHttpClient msalHttp, HttpClient http, Duration timeout) {
        super(DestinationType.DYNAMICS, http, timeout, DEFAULT_TIMEOUT);
        this.authorityHost =
                HttpSupport.stripTrailingSlashes(authorityHost == null ? DEFAULT_AUTHORITY_HOST : authorityHost);
        if (!this.authorityHost.startsWith("https://")) {
            super.close();
            throw new IllegalArgumentException("the authority host must be https (msal4j): " + this.authorityHost);
        }
        this.msalHttp = msalHttp != null ? msalHttp : MsalHttp.direct(this.http, this.timeout);
    }

    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        Set<String> secrets = secretValues(destination.settings());
        URI instance = instanceUri(destination.settings().get(INSTANCE_URL));
        TokenSource tokens = tokenSource(destination, instance);
        byte[] body = body(lead);
        URI target =
                URI.create(HttpSupport.stripTrailingSlashes(instance.toString()) + API_PATH + "leads(leadpipe_leadid='"
                        + HttpSupport.percentEncode(lead.leadId().replace("'", "''")) + "')");
        String token = signIn(tokens, null, secrets);
        HttpResponse<String> response = patch(target, token, body, secrets);
        if (response.statusCode() == 401) {
            token = signIn(tokens, token, secrets);
            response = patch(target, token, body, secrets);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            String entityId = response.headers().firstValue("OData-EntityId").orElse("");
            int open = entityId.lastIndexOf('(');
            int close = entityId.lastIndexOf(')');
            return open >= 0 && close > open ? entityId.substring(open + 1, close) : "lead:" + lead.leadId();
        }
        if (DataverseSchemaErrors.suspected(status, response.body())) {
            DeliveryFailure schema = DataverseSchemaErrors.confirm(
                    new DataverseMetadata(http, timeout, instance, token), status, secrets);
            if (schema != null) {
                throw new DeliveryException(schema);
            }
        }
        throw new DeliveryException(DynamicsErrorClassifier.classify(
                Upstream.http(
                        status, response.headers().firstValue("Retry-After").orElse(null), response.body()),
                secrets));
    }

    /**
     * A signed-in session on the destination's table-definition endpoints, for the schema check and setup
     * ({@link DynamicsSchemaTool}); sign-in failures are classified as for delivery.
     */
    DataverseMetadata metadata(LeadDestination destination) throws DeliveryException {
        Set<String> secrets = secretValues(destination.settings());
        URI instance = instanceUri(destination.settings().get(INSTANCE_URL));
        String token = signIn(tokenSource(destination, instance), null, secrets);
        return new DataverseMetadata(http, timeout, instance, token);
    }

    /**
     * {@code <instanceUrl>#<applicationId>} or {@code <instanceUrl>#user-<hash of the user name>}: per Dataverse
     * user, since Dataverse's service protection limits count per user; no secret in it.
     */
    @Override
    public String endpoint(LeadDestination destination) {
        Map<String, String> s = destination.settings();
        String url = HttpSupport.stripTrailingSlashes(String.valueOf(s.get(INSTANCE_URL)))
                .toLowerCase(Locale.ROOT);
        String app = s.get(APPLICATION_ID);
        String user = s.get(USER_NAME);
        if (user != null && !user.isBlank()) {
            return url + "#user-"
                    + HttpSupport.sha256Hex(user.toLowerCase(Locale.ROOT)).substring(0, 16);
        }
        return url + "#" + (app == null ? "" : app.trim());
    }

    @Override
    public void close() {
        signers.clear();
        super.close();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private String signIn(TokenSource tokens, String rejected, Set<String> secrets) throws DeliveryException {
        try {
            return tokens.token(rejected);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(DynamicsErrorClassifier.classify(Upstream.error(Stage.SIGN_IN, e), secrets));
        } catch (Exception e) {
            DeliveryFailure tooLarge = CappedBody.failureOf(e);
            throw new DeliveryException(
                    tooLarge != null
                            ? tooLarge
                            : DynamicsErrorClassifier.classify(Upstream.error(Stage.SIGN_IN, e), secrets));
        }
    }

    private HttpResponse<String> patch(URI target, String token, byte[] body, Set<String> secrets)
            throws DeliveryException {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .header("OData-MaxVersion", "4.0")
                .header("OData-Version", "4.0")
                .method("PATCH", BodyPublishers.ofByteArray(body))
                .build();
        return send(request, e -> DynamicsErrorClassifier.classify(Upstream.error(Stage.DATAVERSE, e), secrets));
    }

    private TokenSource tokenSource(LeadDestination destination, URI instance) throws DeliveryException {
        Map<String, String> s = destination.settings();
        String scope = HttpSupport.stripTrailingSlashes(instance.toString()) + "/.default";
        String user = HttpSupport.blankToNull(s.get(USER_NAME));
        String tenant = HttpSupport.blankToNull(s.get(TENANT_ID));
        String app = HttpSupport.blankToNull(s.get(APPLICATION_ID));
        String key;
        TokenSource.Factory factory;
        if (user != null) {
            String password = s.getOrDefault(PASSWORD, "");
            String authority = authorityHost + "/" + (tenant == null ? "organizations" : tenant) + "/";
            String clientId = app == null ? OFFICE_CLIENT_ID : app;
            key = authority + "|" + clientId + "|" + HttpSupport.sha256Hex(user + "\u0000" + password) + "|" + scope;
            factory = () -> TokenSource.password(authority, clientId, user, password, scope, msalHttp, timeout);
        } else {
            String secret = s.get(CLIENT_SECRET);
            if (app == null || secret == null || secret.isEmpty()) {
                throw new DeliveryException(new dev.leadpipe.sink.runtime.DeliveryFailure(
                        dev.leadpipe.core.error.ErrorClass.DYNAMICS_LOGIN_FAILED,
                        0,
                        null,
                        "no credentials configured: tenantId + applicationId + clientSecret, or userName + password"));
            }
            if (tenant == null) {
                throw new DeliveryException(new dev.leadpipe.sink.runtime.DeliveryFailure(
                        dev.leadpipe.core.error.ErrorClass.AAD_TENANT_ID_INVALID_FORMAT,
                        0,
                        null,
                        "the tenant (directory) id is empty"));
            }
            if (!tenant.matches("[A-Za-z0-9.-]+")) {
                throw new DeliveryException(new dev.leadpipe.sink.runtime.DeliveryFailure(
                        dev.leadpipe.core.error.ErrorClass.AAD_TENANT_ID_INVALID_FORMAT,
                        0,
                        null,
                        "the tenant id is neither a GUID nor a domain name"));
            }
            String authority = authorityHost + "/" + tenant + "/";
            key = authority + "|" + app + "|" + HttpSupport.sha256Hex(secret) + "|" + scope;
            factory = () -> TokenSource.clientCredentials(authority, app, secret, scope, msalHttp, timeout);
        }
        if (signers.size() > MAX_CACHED_SIGNERS) {
            signers.clear();
        }
        try {
            return signers.computeIfAbsent(key, k -> {
                try {
                    return factory.create();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException e) {
            throw new DeliveryException(DynamicsErrorClassifier.classify(
                    Upstream.error(Stage.SIGN_IN, e.getCause() == null ? e : e.getCause()), secretValues(s)));
        }
    }

    /** The instance URL, checked: https (http only for a loopback host), with a host. */
    static URI instanceUri(String value) throws DeliveryException {
        if (value == null || value.isBlank()) {
            throw new DeliveryException(DynamicsErrorClassifier.invalidInstanceUrl("no instance URL configured"));
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new DeliveryException(DynamicsErrorClassifier.invalidInstanceUrl("the instance URL is not a URL"));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!DestinationUrls.allowed(uri)) {
            throw new DeliveryException(DynamicsErrorClassifier.invalidInstanceUrl(
                    "the instance URL must be https://ORG.crm.dynamics.com (scheme " + scheme + ")"));
        }
        return uri;
    }

    /** The Dataverse {@code lead} row for a lead (see the class comment for the mapping). */
    static byte[] body(Lead lead) {
        ObjectNode row = LeadFields.row();
        UserDetails u = lead.userDetails();
        LeadFields.put(row, "firstname", u.firstName(), 50);
        LeadFields.put(row, "lastname", u.lastName(), 50);
        LeadFields.put(row, "emailaddress1", u.email(), 100);
        LeadFields.put(row, "telephone1", u.phone(), 50);
        LeadFields.put(row, "companyname", u.company(), 100);
        LeadFields.put(row, "jobtitle", u.title(), 100);
        LeadFields.put(row, "address1_country", u.country(), 80);
        LeadFields.put(row, "description", lead.description(), 2000);
        LeadFields.put(row, "subject", LeadFields.subject(lead), 300);
        row.put("leadsourcecode", LEAD_SOURCE_CODE_WEB);
        LeadFields.put(row, "leadpipe_leadsource", lead.leadSource(), 400);
        if (DoNotContactLeads.applies(lead)) {
            DO_NOT_CONTACT_COLUMNS.forEach(column -> row.put(column, true));
        }
        return LeadFields.bytes(row);
    }

    /** What must never appear in a detail: the redaction values of the Dynamics spec. */
    static Set<String> secretValues(Map<String, String> settings) {
        return SPEC.redactionValues(settings);
    }
}
