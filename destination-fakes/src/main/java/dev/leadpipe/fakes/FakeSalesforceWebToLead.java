package dev.leadpipe.fakes;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;

/**
 * The Web-to-Lead servlet of a {@link FakeSalesforce}, {@code POST /servlet/servlet.WebToLead?encoding=UTF-8} (form):
 * always 200 with a small HTML page redirecting to {@code retURL}, as Salesforce does. Every form is recorded
 * ({@link #received()}); it becomes a lead ({@link #stored()}) only when {@code oid} is the org's own id (18 or 15
 * characters) or one added ({@link #addOrg}) and the {@link FakeSalesforceLeadObject} accepts its picklist values;
 * otherwise it is silently dropped. Thread-safe.
 */
final class FakeSalesforceWebToLead {
    private final String orgId;
    private final FakeSalesforceLeadObject leadObject;
    private final Set<String> orgs = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> stored = new CopyOnWriteArrayList<>();

    FakeSalesforceWebToLead(String orgId, FakeSalesforceLeadObject leadObject) {
        this.orgId = orgId;
        this.leadObject = leadObject;
    }

    /** An org id accepted besides the org's own. */
    void addOrg(String id) {
        orgs.add(id);
    }

    List<Map<String, String>> received() {
        return List.copyOf(received);
    }

    List<Map<String, String>> stored() {
        return List.copyOf(stored);
    }

    /** {@code POST /servlet/servlet.WebToLead}. */
    void handle(HttpExchange exchange) throws IOException {
        Map<String, String> form = FakeHttp.form(FakeHttp.body(exchange));
        received.add(Map.copyOf(form));
        String oid = form.get("oid");
        boolean knownOrg =
                oid != null && (oid.equals(orgId) || oid.equals(orgId.substring(0, 15)) || orgs.contains(oid));
        if (knownOrg && leadObject.acceptsForm(form)) {
            stored.add(Map.copyOf(form));
        }
        FakeHttp.send(
                exchange,
                200,
                "text/html;charset=UTF-8",
                "<html><head>"
                        + "<meta http-equiv=\"Refresh\" content=\"0; URL=" + (form.getOrDefault("retURL", "")) + "\">"
                        + "</head><body></body></html>");
    }
}
