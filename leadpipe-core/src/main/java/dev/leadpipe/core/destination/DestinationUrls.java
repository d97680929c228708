package dev.leadpipe.core.destination;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

import dev.leadpipe.core.Hosts;

/**
 * The form of every URL a destination is reached at: an absolute https URL, or plain http only on a loopback host
 * (local stand-ins). Used by the settings' validation and, again at request time, by every client. Which hosts and
 * addresses may be reached at all (and that plain http also needs the host allow-listed) is
 * {@link DestinationAddresses}'s rule, applied on top of this one.
 */
public final class DestinationUrls {
    private DestinationUrls() {}

    /** Whether a request may be sent to this URI. */
    public static boolean allowed(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || scheme.equals("http") && Hosts.isLoopback(uri.getHost());
    }

    /** Empty when the text is an allowed URL; otherwise what is wrong with it ("is not https", ...). */
    public static Optional<String> problem(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("is not a URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return Optional.of("is not an absolute URL with a host");
        }
        return allowed(uri) ? Optional.empty() : Optional.of("is not https");
    }

    /** A check for a setting holding such a URL; {@code what} completes "it must be ...". */
    public static SettingSpec.ValueCheck check(String what) {
        return value -> problem(value).map(p -> p + ": it must be " + what);
    }
}
