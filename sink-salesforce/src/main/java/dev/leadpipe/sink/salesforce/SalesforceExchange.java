package dev.leadpipe.sink.salesforce;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

/**
 * How the parts of {@link SalesforceDestinationClient} call Salesforce: one request whose failure to be exchanged is
 * classified at its stage without the given secrets; and the small helpers every part reads and writes with.
 */
@FunctionalInterface
interface SalesforceExchange {
    ObjectMapper JSON = new ObjectMapper();

    HttpResponse<String> send(HttpRequest request, Stage stage, Set<String> secrets) throws DeliveryException;

    /** The body as JSON, or null when it is empty or not JSON. */
    static JsonNode readJson(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code application/x-www-form-urlencoded}, in the map's order. */
    static String formBody(Map<String, String> form) {
        StringJoiner out = new StringJoiner("&");
        form.forEach((k, v) -> out.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** The secrets and one more (an access token, an assertion) when there is one. */
    static Set<String> with(Set<String> secrets, String extra) {
        if (extra == null) {
            return secrets;
        }
        Set<String> out = new HashSet<>(secrets);
        out.add(extra);
        return out;
    }
}
