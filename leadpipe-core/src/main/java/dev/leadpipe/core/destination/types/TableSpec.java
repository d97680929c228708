package dev.leadpipe.core.destination.types;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import dev.leadpipe.core.destination.DeclaredSpec;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.Route;
import dev.leadpipe.core.destination.SettingSpec;

/**
 * Azure Table storage: a storage account's connection string (AccountName with a base64 AccountKey or a
 * SharedAccessSignature, or {@code UseDevelopmentStorage=true}).
 */
public final class TableSpec extends DeclaredSpec {
    public static final String CONNECTION_STRING = "connectionString";
    /** Where {@code UseDevelopmentStorage=true} points: the local storage emulator's table endpoint. */
    public static final String DEVELOPMENT_TABLE_ENDPOINT = "http://127.0.0.1:10002/devstoreaccount1";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of(CONNECTION_STRING, "the storage account's connection string (Storage account > Access keys)")
                    .checked(TableSpec::connectionStringProblem)
                    .asSecret()
                    .asRouting(),
            DoNotContactLeads.SETTING_SPEC);

    private static final List<Route> ROUTES = List.of(Route.of(
            "storage-account", "a storage account", Set.of(CONNECTION_STRING), List.of(CONNECTION_STRING), List.of()));

    /** The connection string's AccountKey, SharedAccessSignature and SAS {@code sig}, as written and URL-decoded. */
    public TableSpec() {
        super(
                "table",
                "Azure Table",
                SETTINGS,
                ROUTES,
                "the MarketplaceLeads table of your storage account.",
                OptionalInt.of(9104));
    }

    @Override
    public Set<String> derivedSecrets(String setting, String value) {
        Set<String> secrets = new LinkedHashSet<>();
        parts(value).forEach((k, v) -> {
            if (k.equals("accountkey") || k.equals("sharedaccesssignature") || k.equals("sig")) {
                addWithDecoded(secrets, v);
            }
            if (k.equals("sharedaccesssignature") || k.equals("tableendpoint")) {
                for (String param : v.replaceFirst("^[^?]*\\?", "").split("&")) {
                    if (param.startsWith("sig=")) {
                        addWithDecoded(secrets, param.substring(4));
                    }
                }
            }
        });
        return secrets;
    }

    /**
     * The table endpoint a connection string sends requests to: its {@code TableEndpoint}, else
     * {@code <DefaultEndpointsProtocol>://<AccountName>.table.<EndpointSuffix>} (https and core.windows.net by
     * default), or the local emulator's for {@code UseDevelopmentStorage=true}. Empty when none can be formed.
     */
    @Override
    public List<URI> targets(String setting, String value) {
        if (!setting.equals(CONNECTION_STRING) || value == null) {
            return List.of();
        }
        Map<String, String> parts = parts(value);
        String text;
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            text = DEVELOPMENT_TABLE_ENDPOINT;
        } else if (!parts.getOrDefault("tableendpoint", "").isBlank()) {
            text = parts.get("tableendpoint");
        } else if (!parts.getOrDefault("accountname", "").isBlank()) {
            text = parts.getOrDefault("defaultendpointsprotocol", "https") + "://" + parts.get("accountname")
                    + ".table." + parts.getOrDefault("endpointsuffix", "core.windows.net");
        } else {
            return List.of();
        }
        try {
            URI uri = new URI(text.strip());
            return uri.getHost() == null ? List.of() : List.of(uri);
        } catch (URISyntaxException e) {
            return List.of();
        }
    }

    /**
     * A connection string's {@code Name=value} parts, names lower-cased; the first of a repeated name wins. Parts
     * without a name are passed over.
     */
    public static Map<String, String> parts(String connectionString) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.putIfAbsent(
                        part.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        part.substring(eq + 1).strip());
            }
        }
        return parts;
    }

    private static Optional<String> connectionStringProblem(String value) {
        for (String part : value.split(";")) {
            if (!part.isBlank() && part.indexOf('=') <= 0) {
                return Optional.of("is not a connection string: it must be Name=value pairs separated by ';'");
            }
        }
        Map<String, String> parts = parts(value);
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        if (parts.getOrDefault("accountname", "").isEmpty()) {
            missing.add("AccountName");
        }
        boolean sas = parts.containsKey("sharedaccesssignature");
        if (!sas && parts.getOrDefault("accountkey", "").isEmpty()) {
            missing.add("AccountKey (or SharedAccessSignature)");
        }
        if (!missing.isEmpty()) {
            return Optional.of("lacks " + String.join(" and ", missing));
        }
        if (!sas && !isBase64(parts.get("accountkey"))) {
            return Optional.of("has an AccountKey that is not base64: copy the key again from Access keys");
        }
        String protocol = parts.get("defaultendpointsprotocol");
        if (protocol != null && !protocol.equalsIgnoreCase("https") && !protocol.equalsIgnoreCase("http")) {
            return Optional.of("has a DefaultEndpointsProtocol that is neither https nor http");
        }
        String endpoint = parts.get("tableendpoint");
        return endpoint == null
                ? Optional.empty()
                : DestinationUrls.problem(endpoint).map(p -> "has a TableEndpoint that " + p);
    }

    private static boolean isBase64(String value) {
        try {
            return Base64.getDecoder().decode(value).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void addWithDecoded(Set<String> secrets, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        secrets.add(value);
        try {
            secrets.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not URL-encoded
        }
    }
}
