package dev.leadpipe.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.auth.Principal;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/leads} and {@code POST /v1/leads/batch}: validate, write to the {@code leads} topic keyed by
 * leadId, and answer only after Kafka acknowledged the write (the handler returns at once; the answer is written
 * when the producer's future completes). A rejected lead is never written. Logs carry lead ids only.
 * <p>
 * Publisher scope: a credential scoped to publishers may post only leads whose {@code offerId} belongs to one of them.
 * A single lead for another publisher is refused with 403 ({@value #PUBLISHER_NOT_ALLOWED}); in a batch the check is
 * per item: such an item gets status 403 in {@code items} and is not written, the others are (207), and a batch whose
 * every item was refused for that reason is a 403 problem with the items.
 */
record LeadEndpoints(IngestConfig config, KafkaWriter writer, Clock clock, IngestMetrics metrics) {
    private static final Logger LOG = LoggerFactory.getLogger(LeadEndpoints.class);
    static final String SINGLE_PATH = "/v1/leads";
    static final String BATCH_PATH = "/v1/leads/batch";
    private static final String TOO_MANY_ITEMS = "too-many-items";
    static final String PUBLISHER_NOT_ALLOWED = "publisher-not-allowed";

    /**
     * One lead: 202 {@code {leadId, offerId, status}} once acknowledged; 400, 413 (body or lead too large), 415, 422
     * or 503 problems.
     */
    void postLead(Context ctx) {
        try {
            acceptLead(ctx);
        } catch (RuntimeException e) {
            metrics.rejected(IngestMetrics.reasonFor(e), 1);
            throw e;
        }
    }

    private void acceptLead(Context ctx) {
        Bodies.requireContentType(ctx, List.of(Bodies.JSON));
        JsonNode node = Bodies.parseJson(Bodies.read(ctx, config.maxBodyBytes()));
        LeadIntake.Outcome outcome = LeadIntake.prepare(node, ctx.header(LeadIntake.IDEMPOTENCY_KEY), clock.instant());
        if (!outcome.ok()) {
            throw new ProblemException(invalidLead(outcome.errors()));
        }
        Lead lead = outcome.lead();
        if (!allowed(ctx, lead)) {
            throw new ProblemException(Problem.of(
                    403,
                    PUBLISHER_NOT_ALLOWED,
                    "Forbidden",
                    "this credential may not post leads for the lead's offer's publisher"));
        }
        LeadSizeCap cap = new LeadSizeCap(config.maxLeadBytes());
        byte[] value = LeadSizeCap.serialized(lead);
        cap.excess(value).ifPresent(detail -> {
            throw new ProblemException(cap.problem(lead, detail));
        });
        byte[] key = keyBytes(lead);
        ctx.future(() -> writer.sendSerialized(Topics.LEADS, key, value).handle((metadata, error) -> {
            if (error != null) {
                LOG.warn("lead {} was not written: {}", lead.leadId(), SafeErrors.describe(KafkaWriter.unwrap(error)));
                Problem problem = KafkaWriter.problemFor(error, "lead");
                metrics.rejected(IngestMetrics.reasonFor(problem), 1);
                HttpErrors.write(ctx, problem);
            } else {
                LOG.debug("accepted lead {}", lead.leadId());
                metrics.accepted(1);
                ObjectNode body = Json.MAPPER
                        .createObjectNode()
                        .put("leadId", lead.leadId())
                        .put("offerId", lead.offerId())
                        .put("status", "accepted");
                respond(ctx, 202, "application/json", body);
            }
            return null;
        }));
    }

    /** Whether the request's credential may post a lead for the lead's offer. */
    private static boolean allowed(Context ctx, Lead lead) {
        Principal principal = Principal.of(ctx);
        return principal == null || principal.mayActForOffer(lead.offerId());
    }

    static Problem invalidLead(List<FieldError> errors) {
        return Problem.of(
                422,
                "invalid-lead",
                "Invalid Lead",
                errors.size() == 1
                        ? "1 field of the lead is invalid"
                        : errors.size() + " fields of the lead are invalid",
                errors);
    }

    /**
     * A batch, as a JSON array or NDJSON: each item is checked on its own and only valid items are written.
     * 202 when every item was accepted, 207 when some were, 422 (problem) when every item was refused, 503 when
     * Kafka failed every valid item; 413 over {@code maxBatchItems}; 400 when the body is not a JSON array.
     */
    void postBatch(Context ctx) {
        List<Item> items;
        try {
            String mediaType = Bodies.requireContentType(ctx, List.of(Bodies.JSON, Bodies.NDJSON));
            byte[] body = Bodies.read(ctx, config.maxBodyBytes());
            items = mediaType.equals(Bodies.NDJSON) ? ndjsonItems(ctx, body) : arrayItems(ctx, body);
        } catch (ProblemException e) {
            if (!e.problem().slug().equals(TOO_MANY_ITEMS)) { // checkCount counted those, item by item
                metrics.rejected(IngestMetrics.reasonFor(e), 1);
            }
            throw e;
        } catch (RuntimeException e) {
            metrics.rejected(IngestMetrics.reasonFor(e), 1);
            throw e;
        }
        List<Item> valid = new ArrayList<>(items.size());
        List<byte[]> keys = new ArrayList<>(items.size());
        List<byte[]> values = new ArrayList<>(items.size());
        for (Item item : items) {
            if (item.status == 0) {
                valid.add(item);
                keys.add(keyBytes(item.lead));
                values.add(item.value);
            }
        }
        ctx.future(() -> writer.sendAll(
                        Topics.LEADS, keys, values, (i, error) -> valid.get(i).written(error))
                .thenRun(() -> answerBatch(ctx, items)));
    }

    private static byte[] keyBytes(Lead lead) {
        return Topics.LEADS.keySerde().serializer().serialize(Topics.LEADS.name(), lead.leadId());
    }

    private List<Item> arrayItems(Context ctx, byte[] body) {
        JsonNode root = Bodies.parseJson(body);
        if (!root.isArray()) {
            throw new ProblemException(Problem.of(
                    400,
                    "malformed-batch",
                    "Malformed Batch",
                    "an application/json batch must be a JSON array of leads (send a single lead to " + SINGLE_PATH
                            + ")"));
        }
        checkCount(root.size());
        List<Item> items = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            items.add(prepared(ctx, i, null, root.get(i)));
        }
        return items;
    }

    private List<Item> ndjsonItems(Context ctx, byte[] body) {
        record Line(int number, int offset, int length) {}
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!blank(body, start, end)) {
                    lines.add(new Line(number, start, end - start));
                }
                start = i + 1;
                number++;
            }
        }
        checkCount(lines.size());
        List<Item> items = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            try {
                items.add(prepared(ctx, i, line.number(), Bodies.parse(body, line.offset(), line.length())));
            } catch (Bodies.MalformedJson e) {
                items.add(
                        Item.refused(i, line.number(), 400, List.of(new FieldError("", "the line " + e.getMessage()))));
            }
        }
        return items;
    }

    private void checkCount(int count) {
        if (count > config.maxBatchItems()) {
            metrics.rejected(IngestMetrics.Reason.TOO_LARGE, count);
            throw new ProblemException(Problem.of(
                    413,
                    TOO_MANY_ITEMS,
                    "Content Too Large",
                    "a batch holds at most " + config.maxBatchItems() + " leads; this one holds " + count
                            + " (nothing was written)"));
        }
        if (count == 0) {
            throw new ProblemException(Problem.of(400, "empty-batch", "Empty Batch", "the batch holds no leads"));
        }
    }

    private Item prepared(Context ctx, int index, Integer line, JsonNode node) {
        LeadIntake.Outcome outcome = LeadIntake.prepare(node, null, clock.instant());
        if (!outcome.ok()) {
            return Item.refused(index, line, 422, outcome.errors());
        }
        if (!allowed(ctx, outcome.lead())) {
            return Item.refused(
                    index,
                    line,
                    403,
                    List.of(new FieldError(
                            "/offerId", "this credential may not post leads for this offer's publisher")));
        }
        byte[] value = LeadSizeCap.serialized(outcome.lead());
        return new LeadSizeCap(config.maxLeadBytes())
                .excess(value)
                .map(detail -> Item.tooLarge(index, line, outcome.lead(), detail))
                .orElseGet(() -> Item.valid(index, line, outcome.lead(), value));
    }

    private void answerBatch(Context ctx, List<Item> items) {
        int accepted = 0;
        int serverFailures = 0;
        int forbidden = 0;
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (Item item : items) {
            results.add(item.toJson());
            if (item.status == 202) {
                metrics.accepted(1);
            } else {
                metrics.rejected(item.reason(), 1);
            }
            if (item.status == 202) {
                accepted++;
            } else if (item.status >= 500) {
                serverFailures++;
            } else if (item.status == 403) {
                forbidden++;
            }
        }
        int rejected = items.size() - accepted;
        LOG.debug("batch of {}: {} accepted, {} rejected", items.size(), accepted, rejected);
        if (accepted == items.size()) {
            ObjectNode body =
                    Json.MAPPER.createObjectNode().put("accepted", accepted).put("rejected", 0);
            body.set("items", results);
            respond(ctx, 202, "application/json", body);
            return;
        }
        if (accepted == 0 && (serverFailures == 0 || serverFailures == items.size())) {
            Problem problem = forbidden == items.size()
                    ? Problem.of(
                            403,
                            PUBLISHER_NOT_ALLOWED,
                            "Forbidden",
                            "this credential may not post leads for the publishers of the batch's offers")
                    : serverFailures == 0
                            ? Problem.of(
                                    422,
                                    "invalid-batch",
                                    "Invalid Batch",
                                    "no lead of the batch was accepted; see items")
                            : KafkaWriter.problemFor(items.get(0).failure, "batch");
            HttpErrors.write(
                    ctx,
                    problem.withExtension("accepted", IntNode.valueOf(0))
                            .withExtension("rejected", IntNode.valueOf(rejected))
                            .withExtension("items", results));
            return;
        }
        ObjectNode body =
                Json.MAPPER.createObjectNode().put("accepted", accepted).put("rejected", rejected);
        body.set("items", results);
        if (serverFailures > 0) {
            ctx.header("Retry-After", KafkaWriter.RETRY_AFTER_SECONDS);
        }
        respond(ctx, 207, "application/json", body);
    }

    static void respond(Context ctx, int status, String contentType, JsonNode body) {
        try {
            ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written", e);
        }
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** One batch item and, once its write completed, its result. */
    private static final class Item {
        final int index;
        final Integer line;
        final Lead lead;
        final List<FieldError> errors;
        /** The lead's value on {@code leads} (valid items only). */
        final byte[] value;

        volatile int status;
        volatile Throwable failure;
        volatile String detail;
        volatile Problem writeFailure;

        private Item(int index, Integer line, Lead lead, byte[] value, int status, List<FieldError> errors) {
            this.index = index;
            this.line = line;
            this.lead = lead;
            this.value = value;
            this.status = status;
            this.errors = errors;
        }

        static Item valid(int index, Integer line, Lead lead, byte[] value) {
            return new Item(index, line, lead, value, 0, List.of());
        }

        static Item refused(int index, Integer line, int status, List<FieldError> errors) {
            return new Item(index, line, null, null, status, errors);
        }

        /** A lead over {@link IngestConfig#MAX_LEAD_BYTES}: named in the answer, never written. */
        static Item tooLarge(int index, Integer line, Lead lead, String detail) {
            Item item = new Item(index, line, lead, null, 413, List.of());
            item.detail = detail;
            return item;
        }

        void written(Throwable error) {
            if (error == null) {
                status = 202;
                return;
            }
            LOG.warn("lead {} was not written: {}", lead.leadId(), SafeErrors.describe(KafkaWriter.unwrap(error)));
            Problem problem = KafkaWriter.problemFor(error, "lead");
            failure = error;
            detail = problem.detail();
            status = problem.status();
            writeFailure = problem;
        }

        /** Why this refused item was refused, for {@link IngestMetrics}. */
        IngestMetrics.Reason reason() {
            Problem problem = writeFailure;
            if (problem != null) {
                return IngestMetrics.reasonFor(problem);
            }
            return switch (status) {
                case 400 -> IngestMetrics.Reason.INVALID_JSON;
                case 403 -> IngestMetrics.Reason.FORBIDDEN;
                case 413 -> IngestMetrics.Reason.TOO_LARGE;
                case 422 -> IngestMetrics.Reason.INVALID_FIELDS;
                default -> IngestMetrics.Reason.INTERNAL_ERROR;
            };
        }

        ObjectNode toJson() {
            ObjectNode json = Json.MAPPER.createObjectNode().put("index", index);
            if (line != null) {
                json.put("line", line);
            }
            json.put("status", status);
            if (lead != null) {
                json.put("leadId", lead.leadId());
                json.put("offerId", lead.offerId());
            }
            if (detail != null) {
                json.put("detail", detail);
            }
            if (!errors.isEmpty()) {
                json.set("errors", Problem.errorsJson(errors));
            }
            return json;
        }
    }
}
