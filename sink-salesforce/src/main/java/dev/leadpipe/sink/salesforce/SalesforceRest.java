package dev.leadpipe.sink.salesforce;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;
import dev.leadpipe.sink.salesforce.SalesforceSignIn.Token;
import dev.leadpipe.sink.salesforce.SalesforceSignIn.TokenHolder;

/**
 * The REST route of {@link SalesforceDestinationClient}: the upsert of the Lead on its external id, and the picklist
 * {@link #preflight} a test lead runs first. A call answered 401 is sent once more with a refreshed token.
 */
final class SalesforceRest {

    /** One REST destination: its shared tokens, and what to call. */
    private record Rest(TokenHolder tokens, String apiVersion, String externalIdField) {}

    private record Call(HttpResponse<String> response, Token token) {}

    @FunctionalInterface
    private interface RequestFor {
        HttpRequest build(Token token);
    }

    private final SalesforceExchange exchange;
    private final Duration timeout;
    private final SalesforceSignIn signIn;
    private volatile DestinationAddresses addresses;

    SalesforceRest(SalesforceExchange exchange, Duration timeout, SalesforceSignIn signIn) {
        this.exchange = exchange;
        this.timeout = timeout;
        this.signIn = signIn;
    }

    /** Upserts the lead (a test lead runs the preflight first); returns the Lead's Salesforce id. */
    String deliver(Lead lead, Map<String, String> s, Set<String> secrets) throws DeliveryException {
        Rest rest = rest(s, secrets);
        if (lead.leadId() != null && lead.leadId().startsWith(Lead.TEST_LEAD_PREFIX)) {
            List<DeliveryFailure> problems = preflight(rest, secrets);
            if (!problems.isEmpty()) {
                throw new DeliveryException(problems.get(0));
            }
        }
        byte[] body = SalesforceFields.body(lead);
        String path = "/services/data/" + rest.apiVersion() + "/sobjects/Lead/" + rest.externalIdField() + "/"
                + HttpSupport.percentEncode(lead.leadId());
        Call call = authorized(
                rest,
                Stage.UPSERT,
                secrets,
                token -> HttpRequest.newBuilder(URI.create(token.instanceUrl() + path))
                        .timeout(timeout)
                        .header("Authorization", "Bearer " + token.accessToken())
                        .header("Content-Type", "application/json; charset=UTF-8")
                        .header("Accept", "application/json")
                        .method("PATCH", BodyPublishers.ofByteArray(body))
                        .build());
        HttpResponse<String> response = call.response();
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            JsonNode answer = SalesforceExchange.readJson(response.body());
            String id = answer == null ? null : answer.path("id").asText(null);
            return id != null && !id.isBlank() ? id : rest.externalIdField() + "/" + lead.leadId();
        }
        throw new DeliveryException(SalesforceErrorClassifier.classify(
                Stage.UPSERT,
                status,
                response.body(),
                response.headers(),
                SalesforceExchange.with(secrets, call.token().accessToken())));
    }

    /** The destination's problems that would fail every lead; a sign-in or describe failure as its own class. */
    List<DeliveryFailure> preflight(Map<String, String> s, Set<String> secrets) throws DeliveryException {
        return preflight(rest(s, secrets), secrets);
    }

    private Rest rest(Map<String, String> s, Set<String> secrets) throws DeliveryException {
        URI login = SalesforceDestinationClient.url(
                s.get(SalesforceSpec.LOGIN_URL),
                SalesforceDestinationClient.DEFAULT_LOGIN_URL,
                SalesforceSpec.LOGIN_URL);
        String loginUrl = HttpSupport.stripTrailingSlashes(login.toString());
        String apiVersion = setting(s, SalesforceSpec.API_VERSION, SalesforceDestinationClient.DEFAULT_API_VERSION);
        if (!SalesforceSpec.API_VERSION_FORMAT.matcher(apiVersion).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.DESTINATION_HTTP_ERROR, "the apiVersion setting must look like v62.0"));
        }
        String field =
                setting(s, SalesforceSpec.EXTERNAL_ID_FIELD, SalesforceDestinationClient.DEFAULT_EXTERNAL_ID_FIELD);
        if (!SalesforceSpec.FIELD_NAME.matcher(field).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.DESTINATION_HTTP_ERROR,
                    "the externalIdField setting must be a field API name such as "
                            + SalesforceDestinationClient.DEFAULT_EXTERNAL_ID_FIELD));
        }
        return new Rest(signIn.tokens(loginUrl, s, secrets), apiVersion, field);
    }

    private static String setting(Map<String, String> s, String name, String fallback) {
        String value = HttpSupport.blankToNull(s.get(name));
        return value == null ? fallback : value;
    }

    /** From now on, the instance URL of every token is checked against {@code rule} before a request is sent. */
    void checkInstanceUrlsWith(DestinationAddresses rule) {
        this.addresses = rule;
    }

    /**
     * Refuses a token whose instance URL the address rule refuses (the sign-in answer names where every later request
     * goes): DESTINATION_ADDRESS_REFUSED, nothing sent. Resolved again for each request.
     */
    private void checkInstance(Token token) throws DeliveryException {
        DestinationAddresses rule = addresses;
        if (rule == null) {
            return;
        }
        Optional<String> problem = rule.problem(URI.create(token.instanceUrl()));
        if (problem.isPresent()) {
            throw new DeliveryException(new DeliveryFailure(
                    ErrorClass.DESTINATION_ADDRESS_REFUSED,
                    0,
                    null,
                    "the instance_url of Salesforce's sign-in answer " + problem.get() + "; nothing was sent"));
        }
    }

    /** Sends a request with the destination's token; on a 401 refreshes the token once and sends it once more. */
    private Call authorized(Rest rest, Stage stage, Set<String> secrets, RequestFor request) throws DeliveryException {
        Token token = rest.tokens().token(null);
        checkInstance(token);
        HttpResponse<String> response =
                exchange.send(request.build(token), stage, SalesforceExchange.with(secrets, token.accessToken()));
        if (response.statusCode() == 401) {
            token = rest.tokens().token(token);
            checkInstance(token);
            response =
                    exchange.send(request.build(token), stage, SalesforceExchange.with(secrets, token.accessToken()));
        }
        return new Call(response, token);
    }

    private List<DeliveryFailure> preflight(Rest rest, Set<String> secrets) {
        Call call;
        try {
            call = authorized(
                    rest,
                    Stage.DESCRIBE,
                    secrets,
                    token -> HttpRequest.newBuilder(URI.create(token.instanceUrl() + "/services/data/"
                                    + rest.apiVersion() + "/sobjects/Lead/describe"))
                            .timeout(timeout)
                            .header("Authorization", "Bearer " + token.accessToken())
                            .header("Accept", "application/json")
                            .GET()
                            .build());
        } catch (DeliveryException e) {
            return List.of(e.failure());
        }
        HttpResponse<String> response = call.response();
        if (response.statusCode() != 200) {
            return List.of(SalesforceErrorClassifier.classify(
                    Stage.DESCRIBE,
                    response.statusCode(),
                    response.body(),
                    response.headers(),
                    SalesforceExchange.with(secrets, call.token().accessToken())));
        }
        JsonNode describe = SalesforceExchange.readJson(response.body());
        List<DeliveryFailure> problems = new ArrayList<>();
        if (describe == null) {
            return problems;
        }
        for (JsonNode f : describe.path("fields")) {
            String name = f.path("name").asText("");
            String type = f.path("type").asText("");
            if (f.path("createable").asBoolean(false)
                    && !f.path("nillable").asBoolean(true)
                    && !f.path("defaultedOnCreate").asBoolean(false)
                    && (type.equals("picklist") || type.equals("multipicklist"))
                    && !SalesforceErrorClassifier.MAPPED_FIELDS.contains(name)
                    && !name.equals(rest.externalIdField())) {
                problems.add(new DeliveryFailure(
                        ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                        0,
                        null,
                        "the Lead object's required " + type + " " + name + " (\""
                                + f.path("label").asText(name)
                                + "\") cannot be filled from a marketplace lead, so Salesforce would refuse every"
                                + " lead: make it a text field or not required"));
            }
        }
        return problems;
    }
}
