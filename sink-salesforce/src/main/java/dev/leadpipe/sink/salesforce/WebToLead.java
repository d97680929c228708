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
import dev.leadpipe.sink.runtime.DeliveryResult;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

/**
 * The Web-to-Lead route of {@link SalesforceDestinationClient}: the organisation id checked locally, then the form
 * posted; Salesforce's 200 says nothing about the lead, so it returns an {@linkplain DeliveryResult#unconfirmed
 * unconfirmed} result whose detail is {@link #unconfirmedDetail}: the runtime writes {@code SENT_UNCONFIRMED}.
 */
final class WebToLead {

    private final SalesforceExchange exchange;
    private final Duration timeout;

    WebToLead(SalesforceExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    DeliveryResult deliver(Lead lead, Map<String, String> s, Set<String> secrets) throws DeliveryException {
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
            return DeliveryResult.unconfirmed(unconfirmedDetail(lead));
        }
        throw new DeliveryException(SalesforceErrorClassifier.classify(
                Stage.WEB_TO_LEAD, response.statusCode(), response.body(), response.headers(), secrets));
    }

    /**
     * Why a Web-to-Lead lead is not confirmed and how the publisher checks, the seed FAQ's advice: for a test lead,
     * search {@code MSFT_TEST} in Salesforce's Leads; check that no picklist is required on the Web-to-Lead form (make it
     * a text field or not required); the REST route confirms each lead.
     */
    static String unconfirmedDetail(Lead lead) {
        boolean test = lead.test() || (lead.leadId() != null && lead.leadId().startsWith(Lead.TEST_LEAD_PREFIX));
        return "sent, not confirmed: Salesforce Web-to-Lead answers 200 even when it drops a lead (a required field"
                + " the form does not fill, such as a required picklist, or an inactive organisation). "
                + (test
                        ? "Search MSFT_TEST in Salesforce's Leads tab to find this test lead. If it is not there, check"
                        : "If leads do not appear in Salesforce's Leads tab, check")
                + " that no picklist is required on the Web-to-Lead form (make such a field a text field or not"
                + " required). " + RECOMMEND_REST;
    }

    /** The advice to move to the REST route, which confirms every lead. */
    static final String RECOMMEND_REST = "Recommended: the REST route (set clientId and clientSecret, or a JWT"
            + " bearer key), which confirms every lead with its Salesforce id and names a required picklist before any"
            + " lead is sent.";

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
