package dev.leadpipe.core.destination.types;

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
 * Dynamics 365 (Dataverse): the instance URL, and either an Azure AD application (tenant, application id, client
 * secret: client credentials) or an Office 365 user (user name, password).
 */
public final class DynamicsSpec extends DeclaredSpec {
    public static final String INSTANCE_URL = "instanceUrl";
    public static final String TENANT_ID = "tenantId";
    public static final String APPLICATION_ID = "applicationId";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String USER_NAME = "userName";
    public static final String PASSWORD = "password";

    static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final Pattern GUID_OR_DOMAIN = Pattern.compile(
            GUID.pattern() + "|(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of(
                            INSTANCE_URL,
                            "the https URL of the Dynamics 365 instance, such as https://contoso.crm.dynamics.com")
                    .checked(DestinationUrls.check(
                            "the https URL of the Dynamics 365 instance, such as https://contoso.crm.dynamics.com"))
                    .asRouting(),
            SettingSpec.of(TENANT_ID, "the Azure AD directory (tenant) id, a GUID or a verified domain")
                    .checked(ValueChecks.matching(
                            GUID_OR_DOMAIN,
                            "must be a GUID or a verified domain of the directory, such as contoso.onmicrosoft.com"))
                    .asRouting(),
            SettingSpec.of(APPLICATION_ID, "the application (client) id, a GUID")
                    .checked(ValueChecks.matching(
                            GUID, "must be a GUID: the application (client) id from Azure AD > App registrations")),
            SettingSpec.of(CLIENT_SECRET, "the application's client secret (its value, not its id)")
                    .asSecret(),
            SettingSpec.of(USER_NAME, "the Office 365 user's e-mail address")
                    .checked(ValueChecks.matching(EMAIL, "must be the Office 365 user's e-mail address"))
                    .asPersonal(),
            SettingSpec.of(PASSWORD, "the Office 365 user's password").asSecret(),
            DoNotContactLeads.SETTING_SPEC);

    private static final List<Route> ROUTES = List.of(
            Route.of(
                    "aad-application",
                    "an Azure AD application",
                    Set.of(CLIENT_SECRET),
                    List.of(INSTANCE_URL, TENANT_ID, APPLICATION_ID, CLIENT_SECRET),
                    List.of()),
            Route.of(
                    "office365-user",
                    "an Office 365 user",
                    Set.of(USER_NAME, PASSWORD),
                    List.of(INSTANCE_URL, USER_NAME, PASSWORD),
                    List.of(TENANT_ID, APPLICATION_ID)));

    public DynamicsSpec() {
        super(
                "dynamics",
                "Dynamics 365",
                SETTINGS,
                ROUTES,
                "Leads in Dynamics 365; search for the lead id.",
                OptionalInt.of(9102));
    }
}
