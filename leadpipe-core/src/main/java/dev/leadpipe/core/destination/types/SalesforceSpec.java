package dev.leadpipe.core.destination.types;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

import dev.leadpipe.core.destination.DeclaredSpec;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.Route;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.destination.ValueChecks;

/**
 * Salesforce: the REST API (a connected app signing in by client credentials or by JWT bearer), or, when no REST
 * setting is given, Web-to-Lead (the organisation id).
 */
public final class SalesforceSpec extends DeclaredSpec {
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String WEB_TO_LEAD_URL = "webToLeadUrl";
    public static final String LOGIN_URL = "loginUrl";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String USER_NAME = "userName";
    public static final String PRIVATE_KEY = "privateKey";
    public static final String API_VERSION = "apiVersion";
    public static final String EXTERNAL_ID_FIELD = "externalIdField";

    /** A Salesforce organisation id: 15 or 18 characters starting {@code 00D}. */
    public static final Pattern ORG_ID = Pattern.compile("00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");
    /** A REST API version: {@code v62.0}. */
    public static final Pattern API_VERSION_FORMAT = Pattern.compile("v\\d{2,3}\\.\\d");
    /** A field's API name (a custom field's 40 characters and its {@code __c}). */
    public static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,42}");

    private static final String PEM_HEADER = "-----BEGIN PRIVATE KEY-----";
    private static final List<String> REST_OPTIONAL = List.of(LOGIN_URL, API_VERSION, EXTERNAL_ID_FIELD);

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of(
                            ORGANIZATION_ID,
                            "the 15 or 18 character organisation id starting with 00D (Setup > Company Information)")
                    .checked(ValueChecks.matching(
                            ORG_ID,
                            "must be the 15 or 18 character organisation id starting with 00D, "
                                    + "from Setup > Company Information")),
            SettingSpec.of(WEB_TO_LEAD_URL, "the https Web-to-Lead URL (default: Salesforce's own)")
                    .checked(DestinationUrls.check("the https Web-to-Lead URL"))
                    .asRouting(),
            SettingSpec.of(
                            LOGIN_URL,
                            "the https login URL, such as https://login.salesforce.com or https://MyDomain.my.salesforce.com")
                    .checked(DestinationUrls.check("the https login URL, such as https://login.salesforce.com or "
                            + "https://MyDomain.my.salesforce.com"))
                    .asRouting(),
            SettingSpec.of(CLIENT_ID, "the connected app's consumer key"),
            SettingSpec.of(CLIENT_SECRET, "the connected app's consumer secret").asSecret(),
            SettingSpec.of(USER_NAME, "the Salesforce user the connected app acts as")
                    .asPersonal(),
            SettingSpec.of(PRIVATE_KEY, "the PKCS#8 PEM private key of the connected app's certificate")
                    .checked(value -> value.contains(PEM_HEADER)
                            ? java.util.Optional.empty()
                            : java.util.Optional.of("must be a PKCS#8 PEM private key (" + PEM_HEADER + ")"))
                    .asSecret(),
            SettingSpec.of(API_VERSION, "the REST API version (default v62.0)")
                    .checked(ValueChecks.matching(API_VERSION_FORMAT, "must look like v62.0")),
            SettingSpec.of(EXTERNAL_ID_FIELD, "the Lead's external id field (default LeadpipeLeadId__c)")
                    .checked(ValueChecks.matching(FIELD_NAME, "must be a field's API name, such as LeadpipeLeadId__c")),
            DoNotContactLeads.SETTING_SPEC);

    private static final List<Route> ROUTES = List.of(
            Route.of(
                    "rest-client-credentials",
                    "the REST API by client credentials",
                    Set.of(CLIENT_ID, CLIENT_SECRET),
                    List.of(CLIENT_ID, CLIENT_SECRET),
                    REST_OPTIONAL),
            Route.of(
                    "rest-jwt-bearer",
                    "the REST API by JWT bearer",
                    Set.of(CLIENT_ID, USER_NAME, PRIVATE_KEY),
                    List.of(CLIENT_ID, USER_NAME, PRIVATE_KEY),
                    REST_OPTIONAL),
            Route.of(
                            "web-to-lead",
                            "Web-to-Lead",
                            Set.of(ORGANIZATION_ID, WEB_TO_LEAD_URL),
                            List.of(ORGANIZATION_ID),
                            List.of(WEB_TO_LEAD_URL))
                    .asFallback());

    /** Each line of a PEM key, so a detail quoting one line of it still hides it. */
    public SalesforceSpec() {
        super(
                "salesforce",
                "Salesforce",
                SETTINGS,
                ROUTES,
                "Leads in Salesforce; search for the lead id.",
                OptionalInt.of(9103));
    }

    @Override
    public Set<String> derivedSecrets(String setting, String value) {
        Set<String> lines = new LinkedHashSet<>();
        for (String line : value.split("\\R")) {
            if (line.strip().length() >= 8 && !line.startsWith("-----")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }
}
