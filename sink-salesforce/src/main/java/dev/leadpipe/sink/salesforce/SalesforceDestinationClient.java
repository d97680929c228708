package dev.leadpipe.sink.salesforce;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.DeliveryResult;
import dev.leadpipe.sink.runtime.HttpDestinationClient;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

import static dev.leadpipe.core.destination.types.SalesforceSpec.CLIENT_ID;
import static dev.leadpipe.core.destination.types.SalesforceSpec.LOGIN_URL;
import static dev.leadpipe.core.destination.types.SalesforceSpec.ORGANIZATION_ID;
import static dev.leadpipe.core.destination.types.SalesforceSpec.WEB_TO_LEAD_URL;

/**
 * Delivers a lead to Salesforce by one of two routes, chosen by the destination's settings.
 *
 * <p><b>REST</b> (when {@value SalesforceSpec#CLIENT_ID} is set; recommended): signs in at {@code <loginUrl>/services/oauth2/token}
 * with the connected app's client credentials ({@value SalesforceSpec#CLIENT_ID} + {@value SalesforceSpec#CLIENT_SECRET}) or the JWT bearer flow
 * ({@value SalesforceSpec#CLIENT_ID} + {@value SalesforceSpec#USER_NAME} + {@value SalesforceSpec#PRIVATE_KEY}: an RS256 assertion with iss = client id, sub =
 * user name, aud = login URL, exp = now + 3 minutes), then upserts the Lead on its external id:
 * {@code PATCH <instance_url>/services/data/<apiVersion>/sobjects/Lead/<externalIdField>/<leadId>}, so a retry, a
 * replay or a re-delivery rewrites the same record. Returns the Lead's Salesforce id. One token per (login URL,
 * client id, SHA-256 of the credential), shared by every delivery of that destination and kept until Salesforce
 * answers 401 {@code INVALID_SESSION_ID}; then it is refreshed once (one sign-in however many deliveries saw the
 * rejection) and the upsert retried once; a second 401 is SALESFORCE_AUTH_FAILED. A test lead (leadId starting
 * {@value Lead#TEST_LEAD_PREFIX}) first runs the {@link #preflight}, so a configuration that would fail every lead is
 * reported by the publisher's validation.
 *
 * <p><b>Web-to-Lead</b> (when no {@value SalesforceSpec#CLIENT_ID}): posts the form to {@value SalesforceSpec#WEB_TO_LEAD_URL} (default
 * {@value #DEFAULT_WEB_TO_LEAD_URL}) with {@code oid} = {@value SalesforceSpec#ORGANIZATION_ID}, checked locally first (15 or 18
 * letters and digits starting {@code 00D}, else SALESFORCE_INVALID_ORG_ID without sending). Salesforce answers 200
 * whatever happens to the lead (an unknown org or a missing required field drops it silently), so a 200 is an
 * {@linkplain DeliveryResult#unconfirmed unconfirmed} result from {@link #send} (the runtime writes
 * {@code SENT_UNCONFIRMED}, never DELIVERED) whose detail tells the publisher how to check (search {@code MSFT_TEST},
 * no picklist required on the form) and recommends the REST route; {@link #deliver} returns
 * {@value #WEB_TO_LEAD_NOT_CONFIRMED} for it.
 *
 * <p>Settings: {@value SalesforceSpec#ORGANIZATION_ID}, {@value SalesforceSpec#WEB_TO_LEAD_URL}, {@value SalesforceSpec#LOGIN_URL} (default
 * {@value #DEFAULT_LOGIN_URL}; client credentials need the org's My Domain URL), {@value SalesforceSpec#CLIENT_ID},
 * {@value SalesforceSpec#CLIENT_SECRET} (secret), {@value SalesforceSpec#USER_NAME}, {@value SalesforceSpec#PRIVATE_KEY} (PKCS#8 PEM, secret),
 * {@value SalesforceSpec#API_VERSION} (default {@value #DEFAULT_API_VERSION}), {@value SalesforceSpec#EXTERNAL_ID_FIELD} (default
 * {@value #DEFAULT_EXTERNAL_ID_FIELD}). URLs must be https (plain http only for a loopback host: tests, local run).
 *
 * <p>Field mapping (lead → Lead field / Web-to-Lead form field, cut to Salesforce's lengths):
 * <pre>
 * UserDetails.FirstName → FirstName (40)  / first_name     UserDetails.LastName → LastName (80) / last_name
 * UserDetails.Email     → Email (80)      / email          UserDetails.Phone    → Phone (40)    / phone
 * UserDetails.Company   → Company (255)   / company        UserDetails.Title    → Title (128)   / title
 * UserDetails.Country   → Country (80)    / country        Description          → Description (32000) / description
 * LeadSource's source part (AzureMarketplace, AppSource, AzurePortal; else "Marketplace") → LeadSource (40) / lead_source
 * leadId → the external id field (in the URL; REST only)
 * action DNC (do not contact) → HasOptedOutOfEmail, DoNotCall, HasOptedOutOfFax = true / emailOptOut, doNotCall, faxOptOut = 1
 * </pre>
 * Absent values are not sent, except that REST fills the required LastName and Company with
 * {@value #PLACEHOLDER} (Salesforce's own placeholder for Web-to-Lead). When the lead has no Description, REST sends
 * {@code "OfferTitle (Action) via Source"} ({@link dev.leadpipe.sink.runtime.LeadFields#subject}) instead. The
 * do-not-contact fields are sent for a DNC lead only; whether it is sent at all is the destination's
 * {@code doNotContactLeads} setting, decided by the sink runtime before this client is called.
 *
 * <p>Failures are classified by {@link SalesforceErrorClassifier}. Thread-safe. The parts: {@link SalesforceSignIn}
 * (client credentials, JWT bearer, the shared tokens), {@link SalesforceRest} (upsert, picklist preflight),
 * {@link WebToLead} (the form), {@link SalesforceFields} (the mapping above); this class picks the route and keeps
 * the URL rule ({@link #url}) and what must never appear in a detail ({@link #secretValues}).
 */
public final class SalesforceDestinationClient extends HttpDestinationClient {

    private static final DestinationSpec SPEC = DestinationSpecs.of(DestinationType.SALESFORCE);
    public static final String DEFAULT_WEB_TO_LEAD_URL =
            "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8";
    public static final String DEFAULT_LOGIN_URL = "https://login.salesforce.com";
    public static final String DEFAULT_API_VERSION = "v62.0";
    public static final String DEFAULT_EXTERNAL_ID_FIELD = "LeadpipeLeadId__c";
    /** What {@link #deliver} returns for a Web-to-Lead lead: Salesforce's 200 does not say whether it was stored. */
    public static final String WEB_TO_LEAD_NOT_CONFIRMED = "web-to-lead: sent, not confirmed";
    /** Filled into the required LastName and Company when the lead has none. */
    public static final String PLACEHOLDER = "[not provided]";
    /** LeadSource when the marketplace's LeadSource names no source. */
    public static final String DEFAULT_LEAD_SOURCE = "Marketplace";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final SalesforceSignIn signIn;
    private final SalesforceRest rest;
    private final WebToLead webToLead;

    /** Production: its own HTTP client on virtual threads, {@link #DEFAULT_TIMEOUT} per request. */
    public SalesforceDestinationClient() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param http    the HTTP client for every call, or null for an own one on virtual threads
     * @param timeout per-request timeout (sign-in, upsert, describe, Web-to-Lead); null for {@link #DEFAULT_TIMEOUT}
     */
    public SalesforceDestinationClient(HttpClient http, Duration timeout) {
        super(DestinationType.SALESFORCE, http, timeout, DEFAULT_TIMEOUT);
        SalesforceExchange exchange = this::exchange;
        this.signIn = new SalesforceSignIn(exchange, this.timeout);
        this.rest = new SalesforceRest(exchange, this.timeout, signIn);
        this.webToLead = new WebToLead(exchange, this.timeout);
    }

    /** The sign-in's instance URL is checked against {@code addresses} before every REST request. */
    @Override
    public void checkLearnedHostsWith(DestinationAddresses addresses) {
        rest.checkInstanceUrlsWith(addresses);
    }

    /** REST: confirmed with the Lead's Salesforce id. Web-to-Lead: unconfirmed (sent, not confirmed). */
    @Override
    public DeliveryResult send(Lead lead, LeadDestination destination) throws DeliveryException {
        Map<String, String> s = destination.settings();
        Set<String> secrets = secretValues(s);
        return isRest(s)
                ? DeliveryResult.confirmed(rest.deliver(lead, s, secrets))
                : webToLead.deliver(lead, s, secrets);
    }

    /** {@link #send}'s record id, or {@value #WEB_TO_LEAD_NOT_CONFIRMED} for a Web-to-Lead lead. */
    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        DeliveryResult r = send(lead, destination);
        return r.confirmed() ? r.recordId() : WEB_TO_LEAD_NOT_CONFIRMED;
    }

    /**
     * REST: signs in and reads the Lead describe; one SALESFORCE_REQUIRED_PICKLIST per Lead field that is createable,
     * not nillable, not defaulted on create, a (multi-)picklist, and not filled by the mapping (its detail names the
     * field's API name and label and the fix). A sign-in or describe failure is returned as its own class.
     * Web-to-Lead: only the organisation id's format is checked.
     */
    @Override
    public List<DeliveryFailure> preflight(LeadDestination destination) {
        Map<String, String> s = destination.settings();
        Set<String> secrets = secretValues(s);
        try {
            if (!isRest(s)) {
                WebToLead.orgId(s);
                return List.of();
            }
            return rest.preflight(s, secrets);
        } catch (DeliveryException e) {
            return List.of(e.failure());
        }
    }

    /**
     * No secret: REST → {@code <loginUrl scheme://host[:port]> client <clientId>}; Web-to-Lead →
     * {@code <webToLeadUrl scheme://host[:port]> org <organizationId>}.
     */
    @Override
    public String endpoint(LeadDestination destination) {
        Map<String, String> s = destination.settings();
        if (isRest(s)) {
            return origin(s.getOrDefault(LOGIN_URL, DEFAULT_LOGIN_URL)) + " client "
                    + s.get(CLIENT_ID).trim();
        }
        String org = s.get(ORGANIZATION_ID);
        return origin(s.getOrDefault(WEB_TO_LEAD_URL, DEFAULT_WEB_TO_LEAD_URL)) + " org "
                + (org == null ? "" : org.trim());
    }

    @Override
    public void close() {
        signIn.clear();
        super.close();
    }

    private static boolean isRest(Map<String, String> s) {
        return HttpSupport.blankToNull(s.get(CLIENT_ID)) != null;
    }

    private HttpResponse<String> exchange(HttpRequest request, Stage stage, Set<String> secrets)
            throws DeliveryException {
        return send(request, e -> SalesforceErrorClassifier.classify(stage, e, secrets));
    }

    /** A URL setting, checked: https (http only for a loopback host), with a host. */
    static URI url(String value, String fallback, String setting) throws DeliveryException {
        String v = HttpSupport.blankToNull(value) == null ? fallback : value.trim();
        URI uri;
        try {
            uri = v == null ? null : URI.create(v);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme =
                uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!DestinationUrls.allowed(uri)) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.DESTINATION_HTTP_ERROR,
                    "the " + setting + " must be an https:// URL"
                            + (scheme.isEmpty() ? "" : " (scheme " + scheme + ")")));
        }
        return uri;
    }

    private static String origin(String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                        + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        return "(invalid URL)";
    }

    /** What must never appear in a detail: the redaction values of the Salesforce spec (secrets, PEM lines, user name). */
    static Set<String> secretValues(Map<String, String> settings) {
        return SPEC.redactionValues(settings);
    }
}
