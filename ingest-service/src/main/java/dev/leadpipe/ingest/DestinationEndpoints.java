package dev.leadpipe.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DestinationValidator;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.Topics;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/offers/{offerId}/lead-destination}: PUT writes an offer's {@link LeadDestination} to the compacted
 * {@code lead-destinations} topic (200, or 201 when the offer had none) after checking every setting
 * ({@link DestinationValidator}: one error per bad field, blob refused with the advice) and encrypting every secret
 * ({@link SecretKeyring}: only ciphertext reaches Kafka); a secret sent back as {@value LeadDestination#MASK} keeps
 * its stored value only while the type and every routing setting are unchanged ({@link MaskedSecrets}), and the read-only fields of a GET's answer ({@code offerId}, {@code version}, {@code updatedAt})
 * are ignored, so a GET's answer can be edited and PUT again. GET reads it from the
 * {@link DestinationCatalog} (200 or 404), DELETE writes a tombstone (204, or 404 when there is none). Every answer
 * shows settings masked ({@link LeadDestination#maskedSettings()}); no secret value is ever echoed or logged.
 * Writes answer only after Kafka acknowledged them, and are visible to the next GET at once.
 * <p>
 * Concurrent PUTs of one offer may both compute the same next version; the later write wins on the topic.
 */
final class DestinationEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationEndpoints.class);
    static final String PATH = "/v1/offers/{offerId}/lead-destination";
    static final String OFFER_ID_POINTER = "path:offerId";

    private static final Set<String> FIELDS = Set.of("type", "settings", "contactEmails", "notifications");
    /** Fields a GET answers with that a PUT may send back unchanged: ignored (offerId must match the path). */
    private static final Set<String> READ_ONLY_FIELDS = Set.of("offerId", "version", "updatedAt");

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MAX_SETTING_NAME = 128;
    private static final int MAX_SETTING_VALUE = 8192;
    private static final int MAX_EMAIL = 320;
    private static final String TYPES = Arrays.stream(DestinationType.values())
            .map(DestinationType::wireName)
            .collect(Collectors.joining(", "));

    private final IngestConfig config;
    private final KafkaWriter writer;
    private final DestinationCatalog catalog;
    private final Clock clock;
    private final SecretKeyring keyring;
    private final MaskedSecrets maskedSecrets;

    DestinationEndpoints(
            IngestConfig config, KafkaWriter writer, DestinationCatalog catalog, SecretKeyring keyring, Clock clock) {
        this.config = config;
        this.writer = writer;
        this.catalog = catalog;
        this.keyring = keyring;
        this.maskedSecrets = new MaskedSecrets(keyring);
        this.clock = clock;
    }

    void put(Context ctx) {
        String offerId = ctx.pathParam("offerId");
        Bodies.requireContentType(ctx, List.of(Bodies.JSON));
        JsonNode body = Bodies.parseJson(Bodies.read(ctx, config.maxBodyBytes()));
        List<FieldError> errors = new ArrayList<>(offerIdErrors(offerId));
        Parsed parsed = parse(body, errors);
        JsonNode bodyOfferId = body.isObject() ? body.get("offerId") : null;
        if (bodyOfferId != null
                && !bodyOfferId.isNull()
                && !bodyOfferId.asText().equals(offerId)) {
            errors.add(new FieldError("/offerId", "differs from the offer id in the path (it may be left out)"));
        }
        Optional<LeadDestination> previous = errors.isEmpty() ? catalog.get(offerId) : Optional.empty();
        // Without a known type no setting is known to be secret (and /type is already an error): nothing to keep.
        Map<String, String> settings = parsed == null
                ? Map.of()
                : parsed.type == null
                        ? parsed.settings
                        : maskedSecrets.resolve(offerId, parsed.type, parsed.settings, previous, errors);
        if (parsed != null && parsed.type != null) {
            errors.addAll(DestinationValidator.validate(parsed.type, settings, config.allowedHosts()));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(
                    422,
                    "invalid-destination",
                    "Invalid Lead Destination",
                    errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid",
                    errors));
        }
        long version = previous.map(d -> d.version() + 1).orElse(1L);
        LeadDestination destination = keyring.encryptSecrets(new LeadDestination(
                offerId, parsed.type, settings, parsed.contactEmails, version, clock.instant(), parsed.notifications));
        ctx.future(() -> writer.send(Topics.LEAD_DESTINATIONS, offerId, destination)
                .handle((metadata, error) -> {
                    if (error != null) {
                        LOG.warn(
                                "destination of offer {} was not written: {}",
                                offerId,
                                SafeErrors.describe(KafkaWriter.unwrap(error)));
                        HttpErrors.write(ctx, KafkaWriter.problemFor(error, "lead destination"));
                    } else {
                        catalog.applyAcknowledged(offerId, destination, metadata.partition(), metadata.offset());
                        LOG.info("stored {}", destination);
                        if (previous.isEmpty()) {
                            ctx.header("Location", ctx.path());
                        }
                        LeadEndpoints.respond(
                                ctx, previous.isEmpty() ? 201 : 200, "application/json", view(destination));
                    }
                    return null;
                }));
    }

    void get(Context ctx) {
        String offerId = requireOfferId(ctx);
        LeadDestination destination = catalog.get(offerId).orElseThrow(() -> new ProblemException(none()));
        LeadEndpoints.respond(ctx, 200, "application/json", view(destination));
    }

    void delete(Context ctx) {
        String offerId = requireOfferId(ctx);
        if (catalog.get(offerId).isEmpty()) {
            throw new ProblemException(none());
        }
        ctx.future(() -> writer.send(Topics.LEAD_DESTINATIONS, offerId, null).handle((metadata, error) -> {
            if (error != null) {
                LOG.warn(
                        "destination of offer {} was not deleted: {}",
                        offerId,
                        SafeErrors.describe(KafkaWriter.unwrap(error)));
                HttpErrors.write(ctx, KafkaWriter.problemFor(error, "deletion"));
            } else {
                catalog.applyAcknowledged(offerId, null, metadata.partition(), metadata.offset());
                LOG.info("deleted the lead destination of offer {}", offerId);
                ctx.status(204);
            }
            return null;
        }));
    }

    /** The destination as answered: settings masked. */
    static ObjectNode view(LeadDestination d) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("offerId", d.offerId());
        json.put("type", d.type().wireName());
        ObjectNode settings = json.putObject("settings");
        d.maskedSettings().forEach(settings::put);
        json.set("contactEmails", Json.MAPPER.valueToTree(d.contactEmails()));
        json.put("notifications", d.notifications().wireName());
        json.put("version", d.version());
        json.put("updatedAt", d.updatedAt().toString());
        return json;
    }

    private static Problem none() {
        return Problem.of(404, "not-found", "Not Found", "this offer has no lead destination");
    }

    /** The path's offer id, or a 422 problem naming it. */
    static String requireOfferId(Context ctx) {
        String offerId = ctx.pathParam("offerId");
        List<FieldError> errors = offerIdErrors(offerId);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(
                    422, "invalid-offer-id", "Invalid Offer Id", "the offer id in the path is invalid", errors));
        }
        return offerId;
    }

    private static List<FieldError> offerIdErrors(String offerId) {
        if (offerId == null || !LeadJson.OFFER_ID_PATTERN.matcher(offerId).matches()) {
            return List.of(
                    new FieldError(OFFER_ID_POINTER, "must be publisherId.offerId (letters, digits, _ - and dots)"));
        }
        return List.of();
    }

    private record Parsed(
            DestinationType type,
            Map<String, String> settings,
            List<String> contactEmails,
            NotificationMode notifications) {}

    private static Parsed parse(JsonNode body, List<FieldError> errors) {
        if (!body.isObject()) {
            errors.add(new FieldError("", "a lead destination must be a JSON object"));
            return null;
        }
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY_FIELDS.contains(name)) {
                errors.add(new FieldError(
                        "/" + pointerToken(name),
                        "is not a field of a lead destination (type, settings, contactEmails, notifications)"));
            }
        }
        DestinationType type = null;
        JsonNode typeNode = body.get("type");
        if (typeNode == null || typeNode.isNull()) {
            errors.add(new FieldError("/type", "is required: one of " + TYPES));
        } else if (!typeNode.isTextual()) {
            errors.add(new FieldError("/type", "must be a string: one of " + TYPES));
        } else {
            type = DestinationType.fromWireName(typeNode.asText()).orElse(null);
            if (type == null) {
                errors.add(new FieldError("/type", "is not a known destination type: one of " + TYPES));
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode settingsNode = body.get("settings");
        if (settingsNode != null && !settingsNode.isNull()) {
            if (!settingsNode.isObject()) {
                errors.add(new FieldError("/settings", "must be an object of string values"));
            } else {
                settingsNode.fields().forEachRemaining(f -> {
                    String pointer = "/settings/" + pointerToken(f.getKey());
                    if (f.getKey().isBlank() || f.getKey().length() > MAX_SETTING_NAME) {
                        errors.add(new FieldError(
                                pointer, "a setting's name must be 1-" + MAX_SETTING_NAME + " characters"));
                    } else if (!f.getValue().isTextual()) {
                        errors.add(new FieldError(pointer, "must be a string"));
                    } else if (f.getValue().asText().length() > MAX_SETTING_VALUE) {
                        errors.add(new FieldError(pointer, "is longer than " + MAX_SETTING_VALUE + " characters"));
                    } else {
                        settings.put(f.getKey(), f.getValue().asText());
                    }
                });
            }
        }
        List<String> emails = new ArrayList<>();
        JsonNode emailsNode = body.get("contactEmails");
        if (emailsNode != null && !emailsNode.isNull()) {
            if (!emailsNode.isArray()) {
                errors.add(new FieldError("/contactEmails", "must be an array of e-mail addresses"));
            } else {
                for (int i = 0; i < emailsNode.size(); i++) {
                    JsonNode e = emailsNode.get(i);
                    if (!e.isTextual()) {
                        errors.add(new FieldError("/contactEmails/" + i, "must be a string"));
                    } else if (e.asText().length() > MAX_EMAIL
                            || !EMAIL.matcher(e.asText().strip()).matches()) {
                        errors.add(new FieldError("/contactEmails/" + i, "is not an e-mail address"));
                    } else {
                        emails.add(e.asText().strip());
                    }
                }
            }
        }
        NotificationMode notifications = NotificationMode.PER_LEAD;
        JsonNode notificationsNode = body.get("notifications");
        if (notificationsNode != null && !notificationsNode.isNull()) {
            notifications = notificationsNode.isTextual()
                    ? NotificationMode.fromWireName(notificationsNode.asText()).orElse(null)
                    : null;
            if (notifications == null) {
                errors.add(new FieldError(
                        "/notifications",
                        "must be per-lead (an e-mail per lead, the default) or " + "daily-digest (one e-mail a day)"));
            }
        }
        return new Parsed(type, settings, emails, notifications);
    }

    /** Escapes a name for use as one RFC 6901 JSON-pointer token. */
    static String pointerToken(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
