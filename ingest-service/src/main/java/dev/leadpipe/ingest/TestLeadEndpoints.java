package dev.leadpipe.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.OfferType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validating and publishing a lead configuration, as the marketplace does it: a test lead goes through the real
 * pipeline to the offer's destination, and the answer is its outcome.
 * <ul>
 *   <li>{@code POST /v1/offers/{offerId}/lead-destination/validate}: writes a test lead ({@code leadId}
 *       {@code MSFT_TEST_<ticks>}, every personal field {@code MSFT_TEST_<ticks>}) to {@code leads} and waits for its
 *       outcome: 200 {@code {"outcome":"delivered","destinationRecordId":...}} (search the destination for
 *       {@code MSFT_TEST}), 200 {@code {"outcome":"sent_unconfirmed","confirmed":false,"message":...,"detail":...}}
 *       (Salesforce Web-to-Lead: sent, cannot be confirmed; the detail says to search {@code MSFT_TEST} in Salesforce's
 *       Leads, to check no picklist is required on the Web-to-Lead form, and recommends the REST route) or 200
 *       {@code {"outcome":"dead_lettered","errorClass":...,"remediation":...,"detail":...}};
 *       504 when no outcome came within the configured timeout (the lead may still be retried); 404 without a
 *       destination; 422 for a destination of type none or blob.</li>
 *   <li>{@code POST /v1/offers/{offerId}/publish} with {@code {"offerType": "...", "listingOption": "..."}}: refused
 *       (422) when the offer type needs a lead destination ({@link OfferType#requiresLeadDestination}) and the offer
 *       has none; otherwise sends the test lead when there is a destination: 200 {@code {"published":true,...}} when
 *       it was delivered or sent unconfirmed (then with {@code "confirmed":false} and the test lead's advice: nothing
 *       failed that leadpipe can see), 422 {@code test-lead-failed} with the test lead's outcome when it was not.</li>
 * </ul>
 * Publishing here is the lead-configuration gate only: nothing about the offer itself is stored.
 */
record TestLeadEndpoints(IngestConfig config, DestinationCatalog catalog, TestLeadRoundTrip roundTrip) {
    private static final Logger LOG = LoggerFactory.getLogger(TestLeadEndpoints.class);
    static final String VALIDATE_PATH = DestinationEndpoints.PATH + "/validate";
    static final String PUBLISH_PATH = "/v1/offers/{offerId}/publish";

    void validate(Context ctx) {
        String offerId = DestinationEndpoints.requireOfferId(ctx);
        LeadDestination destination = catalog.get(offerId)
                .orElseThrow(() -> new ProblemException(
                        Problem.of(404, "not-found", "Not Found", "this offer has no lead destination to validate")));
        requireDeliverable(destination);
        ctx.future(() -> roundTrip.send(offerId).handle((result, error) -> {
            if (error != null) {
                HttpErrors.write(ctx, problemFor(error));
            } else {
                LeadEndpoints.respond(ctx, 200, "application/json", result);
            }
            return null;
        }));
    }

    void publish(Context ctx) {
        String offerId = DestinationEndpoints.requireOfferId(ctx);
        Bodies.requireContentType(ctx, List.of(Bodies.JSON));
        JsonNode body = Bodies.parseJson(Bodies.read(ctx, config.maxBodyBytes()));
        List<FieldError> errors = new ArrayList<>();
        OfferType offerType = null;
        String listingOption = null;
        if (!body.isObject()) {
            errors.add(new FieldError("", "must be a JSON object: {\"offerType\": ..., \"listingOption\": ...}"));
        } else {
            Iterator<String> names = body.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!name.equals("offerType") && !name.equals("listingOption")) {
                    errors.add(new FieldError(
                            "/" + DestinationEndpoints.pointerToken(name),
                            "is not a field of a publication (offerType, listingOption)"));
                }
            }
            JsonNode type = body.get("offerType");
            if (type == null || !type.isTextual()) {
                errors.add(new FieldError("/offerType", "is required: one of " + OfferType.wireNames()));
            } else {
                offerType = OfferType.fromWireName(type.asText()).orElse(null);
                if (offerType == null) {
                    errors.add(
                            new FieldError("/offerType", "is not a known offer type: one of " + OfferType.wireNames()));
                }
            }
            JsonNode listing = body.get("listingOption");
            if (listing != null && !listing.isNull()) {
                if (!listing.isTextual()
                        || !List.of("contact-me", "free-trial", "get-it-now", "test-drive")
                                .contains(listing.asText().strip().toLowerCase(java.util.Locale.ROOT))) {
                    errors.add(new FieldError(
                            "/listingOption", "must be contact-me, free-trial, get-it-now or test-drive"));
                } else {
                    listingOption = listing.asText().strip();
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(
                    422,
                    "invalid-publication",
                    "Invalid Publication",
                    errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid",
                    errors));
        }
        Optional<LeadDestination> destination = catalog.get(offerId).filter(d -> d.type() != DestinationType.NONE);
        if (destination.isEmpty()) {
            if (offerType.requiresLeadDestination(listingOption)) {
                throw new ProblemException(Problem.of(
                        422,
                        "lead-destination-required",
                        "Lead Destination Required",
                        "a " + offerType.wireName() + " offer"
                                + (listingOption == null ? "" : " listed as " + listingOption)
                                + " cannot be published without a lead destination: configure one with PUT "
                                + "/v1/offers/" + offerId + "/lead-destination, then publish again",
                        List.of(new FieldError("/offerType", "needs a lead destination"))));
            }
            ObjectNode ok = Json.MAPPER
                    .createObjectNode()
                    .put("offerId", offerId)
                    .put("published", true)
                    .put("offerType", offerType.wireName());
            ok.putNull("testLead");
            LeadEndpoints.respond(ctx, 200, "application/json", ok);
            return;
        }
        requireDeliverable(destination.get());
        String type = offerType.wireName();
        ctx.future(() -> roundTrip.send(offerId).handle((result, error) -> {
            if (error != null) {
                HttpErrors.write(ctx, problemFor(error));
            } else if ("delivered".equals(result.path("outcome").asText())
                    || "sent_unconfirmed".equals(result.path("outcome").asText())) {
                ObjectNode ok = Json.MAPPER
                        .createObjectNode()
                        .put("offerId", offerId)
                        .put("published", true)
                        .put("offerType", type);
                if (result.has("confirmed")) {
                    ok.put("confirmed", false);
                }
                ok.set("testLead", result);
                LeadEndpoints.respond(ctx, 200, "application/json", ok);
            } else {
                HttpErrors.write(
                        ctx,
                        Problem.of(
                                        422,
                                        "test-lead-failed",
                                        "Test Lead Failed",
                                        "the test lead was not delivered ("
                                                + result.path("errorClass").asText() + "): "
                                                + result.path("remediation").asText())
                                .withExtension("testLead", result));
            }
            return null;
        }));
    }

    private Problem problemFor(Throwable error) {
        Throwable cause = KafkaWriter.unwrap(error);
        if (cause instanceof TestLeadRoundTrip.Timeout t) {
            return Problem.of(
                            504,
                            "test-lead-timeout",
                            "Test Lead Timeout",
                            "no outcome for test lead " + t.leadId
                                    + " within " + roundTrip.timeout().toSeconds()
                                    + " s: the destination may still be retrying;"
                                    + " check later with leadctl dlq list or the destination itself")
                    .withExtension("leadId", Json.MAPPER.getNodeFactory().textNode(t.leadId));
        }
        LOG.warn("the test lead was not written: {}", SafeErrors.describe(cause));
        return KafkaWriter.problemFor(cause, "test lead");
    }

    private static void requireDeliverable(LeadDestination destination) {
        if (destination.type() == DestinationType.BLOB) {
            throw new ProblemException(Problem.of(
                    422,
                    "destination-unsupported",
                    "Destination Unsupported",
                    ErrorClass.DESTINATION_UNSUPPORTED.remediation()));
        }
        if (!destination.type().isDeliverable()) {
            throw new ProblemException(Problem.of(
                    422,
                    "no-destination",
                    "No Destination",
                    "this offer's lead destination is none: there is nothing to send a test lead to"));
        }
    }
}
