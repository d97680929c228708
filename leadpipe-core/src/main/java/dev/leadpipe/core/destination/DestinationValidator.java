package dev.leadpipe.core.destination;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.leadpipe.core.Hosts;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.FieldError;

/**
 * Checks a lead destination's settings, per type, before it is stored: every problem is reported at once, one
 * {@link FieldError} per bad setting (pointer {@code /settings/<name>}, or {@code /settings} for a missing group,
 * {@code /type} for a refused type). Messages name the setting and what it must be, never its value. Checks only
 * the form; whether the destination accepts the values is what the test lead finds out.
 * <ul>
 *   <li>dynamics: {@code instanceUrl} an https URL (a Dataverse org, {@code https://ORG.crm.dynamics.com}); and
 *       either {@code tenantId} (GUID or verified domain) + {@code applicationId} (GUID) + {@code clientSecret}
 *       (Azure AD application), or {@code userName} (an e-mail address) + {@code password} (Office 365 user,
 *       optional {@code tenantId}, {@code applicationId}).</li>
 *   <li>salesforce: {@code organizationId} (15 or 18 characters, starting {@code 00D}) for Web-to-Lead, with an
 *       optional https {@code webToLeadUrl}; or {@code clientId} + {@code clientSecret} (client credentials) or
 *       {@code clientId} + {@code userName} + {@code privateKey} (JWT bearer) for the REST API, with optional https
 *       {@code loginUrl}, {@code apiVersion} ({@code v62.0}) and {@code externalIdField}.</li>
 *   <li>table: {@code connectionString} a storage connection string with AccountName and a base64 AccountKey (or a
 *       SharedAccessSignature), or {@code UseDevelopmentStorage=true}.</li>
 *   <li>https: {@code url} an https URL; optional {@code signingSecret} of at least 16 characters.</li>
 *   <li>blob: refused, with the advice to choose another destination. none: no settings.</li>
 * </ul>
 * Plain http is accepted only for a loopback host (local stand-ins). Unknown setting names are refused (typos).
 */
public final class DestinationValidator {
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern SALESFORCE_ORG_ID = Pattern.compile("00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?");
    private static final Pattern API_VERSION = Pattern.compile("v\\d{2,3}\\.\\d");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private static final Map<DestinationType, Set<String>> KNOWN = Map.of(
            DestinationType.DYNAMICS, Set.of("instanceUrl", "tenantId", "applicationId", "clientSecret", "userName", "password"),
            DestinationType.SALESFORCE, Set.of("organizationId", "webToLeadUrl", "loginUrl", "clientId", "clientSecret",
                    "userName", "privateKey", "apiVersion", "externalIdField"),
            DestinationType.TABLE, Set.of("connectionString"),
            DestinationType.HTTPS, Set.of("url", "signingSecret"),
            DestinationType.NONE, Set.of(),
            DestinationType.BLOB, Set.of("connectionString", "containerName"));

    private DestinationValidator() {
    }

    /** Every problem of the settings for this type; empty when the configuration may be stored. */
    public static List<FieldError> validate(DestinationType type, Map<String, String> settings) {
        List<FieldError> errors = new ArrayList<>();
        if (type == null) {
            return errors;
        }
        if (type == DestinationType.BLOB) {
            errors.add(new FieldError("/type", "Azure Blob storage is no longer a supported lead destination: leads "
                    + "sent there are lost. " + ErrorClass.DESTINATION_UNSUPPORTED.remediation()));
            return errors;
        }
        Map<String, String> s = new LinkedHashMap<>();
        settings.forEach((k, v) -> s.put(k, v == null ? "" : v.strip()));
        for (String name : s.keySet()) {
            if (!KNOWN.get(type).contains(name)) {
                errors.add(new FieldError(pointer(name), "is not a setting of a " + type.wireName() + " destination"
                        + (KNOWN.get(type).isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", new TreeSet<>(KNOWN.get(type))) + ")")));
            }
        }
        switch (type) {
            case DYNAMICS -> dynamics(s, errors);
            case SALESFORCE -> salesforce(s, errors);
            case TABLE -> table(s, errors);
            case HTTPS -> https(s, errors);
            default -> {
            }
        }
        return errors;
    }

    private static void dynamics(Map<String, String> s, List<FieldError> errors) {
        httpsUrl(s, "instanceUrl", true, "the https URL of the Dynamics 365 instance, such as https://contoso.crm.dynamics.com", errors);
        boolean aad = present(s, "clientSecret");
        boolean office = present(s, "userName") || present(s, "password");
        if (aad) {
            if (!present(s, "tenantId")) {
                errors.add(new FieldError(pointer("tenantId"), "is required with clientSecret: the Azure AD directory (tenant) id, a GUID or a verified domain"));
            }
            if (!present(s, "applicationId")) {
                errors.add(new FieldError(pointer("applicationId"), "is required with clientSecret: the application (client) id, a GUID"));
            }
            if (present(s, "userName") || present(s, "password")) {
                errors.add(new FieldError("/settings", "holds both an Azure AD application (clientSecret) and an Office 365 user (userName, password): choose one"));
            }
        } else if (office) {
            if (!present(s, "userName")) {
                errors.add(new FieldError(pointer("userName"), "is required with password: the Office 365 user's e-mail address"));
            }
            if (!present(s, "password")) {
                errors.add(new FieldError(pointer("password"), "is required with userName: the Office 365 user's password"));
            }
        } else {
            errors.add(new FieldError("/settings", "needs either tenantId + applicationId + clientSecret (Azure AD application) "
                    + "or userName + password (Office 365 user)"));
        }
        if (present(s, "tenantId") && !GUID.matcher(s.get("tenantId")).matches() && !DOMAIN.matcher(s.get("tenantId")).matches()) {
            errors.add(new FieldError(pointer("tenantId"), "must be a GUID or a verified domain of the directory, such as contoso.onmicrosoft.com"));
        }
        if (present(s, "applicationId") && !GUID.matcher(s.get("applicationId")).matches()) {
            errors.add(new FieldError(pointer("applicationId"), "must be a GUID: the application (client) id from Azure AD > App registrations"));
        }
        if (present(s, "userName") && !EMAIL.matcher(s.get("userName")).matches()) {
            errors.add(new FieldError(pointer("userName"), "must be the Office 365 user's e-mail address"));
        }
    }

    private static void salesforce(Map<String, String> s, List<FieldError> errors) {
        boolean rest = present(s, "clientId") || present(s, "clientSecret") || present(s, "privateKey");
        if (rest) {
            if (!present(s, "clientId")) {
                errors.add(new FieldError(pointer("clientId"), "is required for the REST API: the connected app's consumer key"));
            }
            boolean jwt = present(s, "privateKey") || present(s, "userName");
            if (present(s, "clientSecret") && jwt) {
                errors.add(new FieldError("/settings", "holds both clientSecret (client credentials) and userName/privateKey (JWT bearer): choose one"));
            } else if (jwt) {
                if (!present(s, "userName")) {
                    errors.add(new FieldError(pointer("userName"), "is required with privateKey: the Salesforce user the connected app acts as"));
                }
                if (!present(s, "privateKey")) {
                    errors.add(new FieldError(pointer("privateKey"), "is required with userName: the PKCS#8 PEM private key of the connected app's certificate"));
                } else if (!s.get("privateKey").contains("-----BEGIN PRIVATE KEY-----")) {
                    errors.add(new FieldError(pointer("privateKey"), "must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)"));
                }
            } else if (!present(s, "clientSecret")) {
                errors.add(new FieldError(pointer("clientSecret"), "is required with clientId (client credentials), unless userName + privateKey (JWT bearer) are given"));
            }
            httpsUrl(s, "loginUrl", false, "the https login URL, such as https://login.salesforce.com or https://MyDomain.my.salesforce.com", errors);
            if (present(s, "apiVersion") && !API_VERSION.matcher(s.get("apiVersion")).matches()) {
                errors.add(new FieldError(pointer("apiVersion"), "must look like v62.0"));
            }
            if (present(s, "externalIdField") && !FIELD_NAME.matcher(s.get("externalIdField")).matches()) {
                errors.add(new FieldError(pointer("externalIdField"), "must be a field's API name, such as LeadpipeLeadId__c"));
            }
        } else if (!present(s, "organizationId")) {
            errors.add(new FieldError("/settings", "needs organizationId (Web-to-Lead) or clientId with clientSecret or "
                    + "userName + privateKey (REST API, recommended)"));
        }
        if (present(s, "organizationId") && !SALESFORCE_ORG_ID.matcher(s.get("organizationId")).matches()) {
            errors.add(new FieldError(pointer("organizationId"), "must be the 15 or 18 character organisation id starting with 00D, "
                    + "from Setup > Company Information"));
        }
        httpsUrl(s, "webToLeadUrl", false, "the https Web-to-Lead URL", errors);
    }

    private static void table(Map<String, String> s, List<FieldError> errors) {
        if (!present(s, "connectionString")) {
            errors.add(new FieldError(pointer("connectionString"), "is required: the storage account's connection string "
                    + "(Storage account > Access keys)"));
            return;
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : s.get("connectionString").split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                errors.add(new FieldError(pointer("connectionString"), "is not a connection string: it must be Name=value pairs separated by ';'"));
                return;
            }
            parts.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
        }
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!parts.containsKey("accountname") || parts.get("accountname").isEmpty()) {
            missing.add("AccountName");
        }
        boolean sas = parts.containsKey("sharedaccesssignature");
        if (!sas && (!parts.containsKey("accountkey") || parts.get("accountkey").isEmpty())) {
            missing.add("AccountKey (or SharedAccessSignature)");
        }
        if (!missing.isEmpty()) {
            errors.add(new FieldError(pointer("connectionString"), "lacks " + String.join(" and ", missing)));
        } else if (!sas && !isBase64(parts.get("accountkey"))) {
            errors.add(new FieldError(pointer("connectionString"), "has an AccountKey that is not base64: copy the key again from Access keys"));
        }
        String protocol = parts.get("defaultendpointsprotocol");
        if (protocol != null && !protocol.equalsIgnoreCase("https") && !protocol.equalsIgnoreCase("http")) {
            errors.add(new FieldError(pointer("connectionString"), "has a DefaultEndpointsProtocol that is neither https nor http"));
        }
        String endpoint = parts.get("tableendpoint");
        if (endpoint != null && !urlProblem(endpoint).isEmpty()) {
            errors.add(new FieldError(pointer("connectionString"), "has a TableEndpoint that " + urlProblem(endpoint)));
        }
    }

    private static void https(Map<String, String> s, List<FieldError> errors) {
        httpsUrl(s, "url", true, "the https URL that receives the leads (a Power Automate HTTP trigger, for example)", errors);
        if (present(s, "signingSecret") && s.get("signingSecret").length() < 16) {
            errors.add(new FieldError(pointer("signingSecret"), "must be at least 16 characters"));
        }
    }

    private static void httpsUrl(Map<String, String> s, String name, boolean required, String what, List<FieldError> errors) {
        if (!present(s, name)) {
            if (required) {
                errors.add(new FieldError(pointer(name), "is required: " + what));
            }
            return;
        }
        String problem = urlProblem(s.get(name));
        if (!problem.isEmpty()) {
            errors.add(new FieldError(pointer(name), problem + ": it must be " + what));
        }
    }

    /** Empty when the URL is an absolute https URL (or http on a loopback host), else what is wrong with it. */
    private static String urlProblem(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return "is not an absolute URL with a host";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || scheme.equals("http") && Hosts.isLoopback(uri.getHost())) {
            return "";
        }
        return "is not https";
    }

    private static boolean isBase64(String value) {
        try {
            return Base64.getDecoder().decode(value).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean present(Map<String, String> s, String name) {
        return s.containsKey(name) && !s.get(name).isEmpty();
    }

    private static String pointer(String name) {
        return "/settings/" + name.replace("~", "~0").replace("/", "~1");
    }
}
