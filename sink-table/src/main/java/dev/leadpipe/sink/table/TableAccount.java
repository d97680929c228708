package dev.leadpipe.sink.table;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import dev.leadpipe.core.destination.types.TableSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;

/**
 * A storage connection string taken apart: the account's table endpoint (no secret in it) and its credential
 * (account name and key, or a SAS). {@link #toString()} shows the endpoint only.
 *
 * <p>Failures, decided here once: when no table endpoint can be derived (no connection string, no
 * {@code TableEndpoint} and no {@code AccountName}, an endpoint that is not an http(s) URL) the account cannot be found:
 * {@link ErrorClass#TABLE_ACCOUNT_NOT_FOUND}. When the endpoint is known but the credential is unusable (no key and
 * no SAS, a key that is not base64, a key without an account name) it is {@link ErrorClass#TABLE_AUTH_FAILED}.
 * Both are permanent: the publisher must fix the connection string. No detail ever quotes a value.
 */
record TableAccount(String endpoint, String accountName, String accountKey, String sasToken) {

    static final String DEVELOPMENT_ENDPOINT = TableSpec.DEVELOPMENT_TABLE_ENDPOINT;
    static final String DEVELOPMENT_ACCOUNT = "devstoreaccount1";
    static final String DEVELOPMENT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static TableAccount parse(String connectionString) throws DeliveryException {
        if (connectionString == null || connectionString.isBlank()) {
            throw fail(ErrorClass.TABLE_ACCOUNT_NOT_FOUND, "the destination has no connectionString setting");
        }
        Map<String, String> parts = TableSpec.parts(connectionString);
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            return new TableAccount(DEVELOPMENT_ENDPOINT, DEVELOPMENT_ACCOUNT, DEVELOPMENT_KEY, null);
        }
        String accountName = blankToNull(parts.get("accountname"));
        String sas = blankToNull(parts.get("sharedaccesssignature"));
        String endpoint;
        String tableEndpoint = blankToNull(parts.get("tableendpoint"));
        if (tableEndpoint != null) {
            URI uri = httpUri(tableEndpoint);
            if (uri == null) {
                throw fail(
                        ErrorClass.TABLE_ACCOUNT_NOT_FOUND,
                        "the connection string's TableEndpoint is not an http(s) URL with a host");
            }
            if (sas == null && uri.getRawQuery() != null && uri.getRawQuery().contains("sig=")) {
                sas = uri.getRawQuery(); // a SAS URL given as the endpoint
            }
            endpoint = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                    + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + stripTrailingSlash(uri.getRawPath());
        } else if (accountName != null) {
            String protocol =
                    parts.getOrDefault("defaultendpointsprotocol", "https").toLowerCase(Locale.ROOT);
            String suffix = parts.getOrDefault("endpointsuffix", "core.windows.net");
            endpoint = protocol + "://" + accountName + ".table." + suffix;
            if (httpUri(endpoint) == null) {
                throw fail(
                        ErrorClass.TABLE_ACCOUNT_NOT_FOUND,
                        "the connection string's AccountName, DefaultEndpointsProtocol and EndpointSuffix do not form an http(s) URL");
            }
        } else {
            throw fail(
                    ErrorClass.TABLE_ACCOUNT_NOT_FOUND,
                    "the connection string names neither a TableEndpoint nor an AccountName");
        }
        if (sas != null) {
            return new TableAccount(endpoint, accountName, null, sas.startsWith("?") ? sas.substring(1) : sas);
        }
        String key = blankToNull(parts.get("accountkey"));
        if (key == null) {
            throw fail(
                    ErrorClass.TABLE_AUTH_FAILED,
                    "the connection string has neither an AccountKey nor a SharedAccessSignature");
        }
        if (accountName == null) {
            throw fail(ErrorClass.TABLE_AUTH_FAILED, "the connection string has an AccountKey but no AccountName");
        }
        try {
            if (Base64.getDecoder().decode(key).length == 0) {
                throw new IllegalArgumentException("empty");
            }
        } catch (IllegalArgumentException e) {
            throw fail(ErrorClass.TABLE_AUTH_FAILED, "the connection string's AccountKey is not a base64 key");
        }
        return new TableAccount(endpoint, accountName, key, null);
    }

    private static URI httpUri(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
            return null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String stripTrailingSlash(String path) {
        if (path == null) {
            return "";
        }
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static DeliveryException fail(ErrorClass errorClass, String detail) {
        return new DeliveryException(new DeliveryFailure(errorClass, 0, null, detail));
    }

    @Override
    public String toString() {
        return "TableAccount[" + endpoint + "]";
    }
}
