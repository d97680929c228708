package dev.leadpipe.core.destination.types;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import dev.leadpipe.core.destination.DeclaredSpec;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.Route;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.destination.ValueChecks;

/**
 * An HTTPS endpoint (a Power Automate HTTP trigger, for example): its URL, a secret since it often carries a
 * signature in its query, and an optional signing secret for the request's HMAC.
 */
public final class HttpsSpec extends DeclaredSpec {
    public static final String URL = "url";
    public static final String SIGNING_SECRET = "signingSecret";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of(URL, "the https URL that receives the leads (a Power Automate HTTP trigger, for example)")
                    .checked(DestinationUrls.check(
                            "the https URL that receives the leads (a Power Automate HTTP trigger, for example)"))
                    .asSecret()
                    .asRouting(),
            SettingSpec.of(SIGNING_SECRET, "the HMAC key of the X-Leadpipe-Signature header, at least 16 characters")
                    .checked(ValueChecks.atLeast(16))
                    .asSecret(),
            DoNotContactLeads.SETTING_SPEC);

    private static final List<Route> ROUTES =
            List.of(Route.of("endpoint", "an HTTPS endpoint", Set.of(URL), List.of(URL), List.of(SIGNING_SECRET)));

    /** The URL's path, raw and decoded query, and each query value (a Power Automate {@code sig}). */
    public HttpsSpec() {
        super(
                "https",
                "HTTPS endpoint",
                SETTINGS,
                ROUTES,
                "your HTTPS endpoint, which received the lead with its lead id.",
                OptionalInt.of(9105));
    }

    @Override
    public Set<String> derivedSecrets(String setting, String value) {
        Set<String> out = new LinkedHashSet<>();
        if (!setting.equals(URL)) {
            return out;
        }
        try {
            URI uri = new URI(value.strip());
            addIfLong(out, uri.getRawPath());
            addIfLong(out, uri.getPath());
            addIfLong(out, uri.getRawQuery());
            addIfLong(out, uri.getQuery());
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq >= 0) {
                        String raw = pair.substring(eq + 1);
                        addIfLong(out, raw);
                        try {
                            addIfLong(out, URLDecoder.decode(raw, StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException ignored) {
                            // not decodable: the raw value is enough
                        }
                    }
                }
            }
        } catch (URISyntaxException ignored) {
            // the whole value is already redacted
        }
        return out;
    }

    private static void addIfLong(Set<String> out, String value) {
        if (value != null && value.length() > 1) {
            out.add(value);
        }
    }
}
