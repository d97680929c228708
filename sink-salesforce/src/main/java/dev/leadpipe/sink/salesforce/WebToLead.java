package dev.leadpipe.sink.salesforce;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

/**
 * The Web-to-Lead route of {@link SalesforceDestinationClient}: the organisation id checked locally, then the form
 * posted; Salesforce's 200 says nothing about the lead, so it returns
 * {@value SalesforceDestinationClient#WEB_TO_LEAD_NOT_CONFIRMED}.
 */
final class WebToLead {

    private final SalesforceExchange exchange;
    private final Duration timeout;

    WebToLead(SalesforceExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    String deliver(Lead lead, Map<String, String> s, Set<String> secrets) throws DeliveryException {
        String oid = orgId(s);
        URI target = SalesforceDestinationClient.url(
                s.get(SalesforceSpec.WEB_TO_LEAD_URL),
                SalesforceDestinationClient.DEFAULT_WEB_TO_LEAD_URL,
                SalesforceSpec.WEB_TO_LEAD_URL);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("oid", oid);
        SalesforceFields.putForm(form, lead);
        form.put("encoding", "UTF-8");
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(BodyPublishers.ofString(SalesforceExchange.formBody(form)))
                .build();
        HttpResponse<String> response = exchange.send(request, Stage.WEB_TO_LEAD, secrets);
        if (response.statusCode() == 200) {
            return SalesforceDestinationClient.WEB_TO_LEAD_NOT_CONFIRMED;
        }
        throw new DeliveryException(SalesforceErrorClassifier.classify(
                Stage.WEB_TO_LEAD, response.statusCode(), response.body(), response.headers(), secrets));
    }

    /** The organisation id setting, checked: 15 or 18 letters and digits starting {@code 00D}. */
    static String orgId(Map<String, String> s) throws DeliveryException {
        String oid = HttpSupport.blankToNull(s.get(SalesforceSpec.ORGANIZATION_ID));
        if (oid == null) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_INVALID_ORG_ID,
                    "no organizationId configured (Web-to-Lead needs it; or configure clientId for the REST API)"));
        }
        if (!SalesforceSpec.ORG_ID.matcher(oid).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_INVALID_ORG_ID,
                    "the organizationId is not a Salesforce organisation id (15 or 18 letters and digits starting"
                            + " 00D; it has " + oid.length() + " characters)"));
        }
        return oid;
    }
}
