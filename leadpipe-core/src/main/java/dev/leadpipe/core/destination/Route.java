package dev.leadpipe.core.destination;

import java.util.List;
import java.util.Set;

/**
 * One way a destination type can be reached (Dynamics: Azure AD application or Office 365 user; Salesforce: REST
 * API or Web-to-Lead). A configuration takes the route whose {@code markers} it sets; {@code required} settings must
 * then all be present, {@code optional} ones may be. A {@code fallback} route is taken only when no other route's
 * markers are set (Web-to-Lead gives way to the REST API).
 */
public record Route(
        String name,
        String title,
        Set<String> markers,
        List<String> required,
        List<String> optional,
        boolean fallback) {

    public Route {
        markers = Set.copyOf(markers);
        required = List.copyOf(required);
        optional = List.copyOf(optional);
    }

    /** A route taken when one of its markers is set. */
    public static Route of(
            String name, String title, Set<String> markers, List<String> required, List<String> optional) {
        return new Route(name, title, markers, required, optional, false);
    }

    /** This route as the one taken only when no other is marked. */
    public Route asFallback() {
        return new Route(name, title, markers, required, optional, true);
    }

    /** The required settings joined with {@code +}, for messages: {@code clientId + clientSecret}. */
    public String requiredList() {
        return String.join(" + ", required);
    }
}
