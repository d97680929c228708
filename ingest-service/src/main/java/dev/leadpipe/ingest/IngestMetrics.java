package dev.leadpipe.ingest;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counter {@value #LEADS} ({@code leadpipe_ingest_leads_total} in Prometheus): leads posted, tagged
 * {@code result} ({@code accepted}, {@code rejected}) and {@code reason} ({@code none} when accepted). Every
 * combination is registered at 0 up front, so a rate can be taken before the first rejection. A batch counts each
 * of its items; a request refused as a whole before its items are read (wrong Content-Type, body too large, not
 * JSON, no items) counts one. Tags never carry anything from the request.
 */
final class IngestMetrics {
    static final String LEADS = "leadpipe.ingest.leads";

    /** Why a lead was refused, as the {@code reason} tag says it. */
    enum Reason {
        NONE,
        INVALID_JSON,
        INVALID_FIELDS,
        TOO_LARGE,
        KAFKA_UNAVAILABLE,
        UNSUPPORTED_MEDIA_TYPE,
        /** A lead for a publisher the credential is not scoped to. */
        FORBIDDEN,
        INTERNAL_ERROR;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    IngestMetrics(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            counters.put(
                    reason,
                    Counter.builder(LEADS)
                            .description("Leads posted to ingest, by result and the reason of a rejection")
                            .tag("result", reason == Reason.NONE ? "accepted" : "rejected")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
    }

    void accepted(int leads) {
        counters.get(Reason.NONE).increment(leads);
    }

    void rejected(Reason reason, int leads) {
        counters.get(reason == Reason.NONE ? Reason.INTERNAL_ERROR : reason).increment(leads);
    }

    /** The reason of a problem this service answers with. */
    static Reason reasonFor(Problem problem) {
        return switch (problem.slug()) {
            case "malformed-json", "malformed-batch", "empty-batch" -> Reason.INVALID_JSON;
            case "invalid-lead", "invalid-batch" -> Reason.INVALID_FIELDS;
            case "payload-too-large", "too-many-items", "record-too-large", LeadSizeCap.SLUG -> Reason.TOO_LARGE;
            case "kafka-unavailable" -> Reason.KAFKA_UNAVAILABLE;
            case "unsupported-media-type" -> Reason.UNSUPPORTED_MEDIA_TYPE;
            case "publisher-not-allowed" -> Reason.FORBIDDEN;
            default -> byStatus(problem.status());
        };
    }

    /** The reason of an exception a lead handler ended with. */
    static Reason reasonFor(Throwable failure) {
        if (failure instanceof ProblemException p) {
            return reasonFor(p.problem());
        }
        if (failure instanceof HttpResponseException h) {
            return byStatus(h.getStatus());
        }
        return Reason.INTERNAL_ERROR;
    }

    private static Reason byStatus(int status) {
        return switch (status) {
            case 400 -> Reason.INVALID_JSON;
            case 413 -> Reason.TOO_LARGE;
            case 403 -> Reason.FORBIDDEN;
            case 415 -> Reason.UNSUPPORTED_MEDIA_TYPE;
            case 422 -> Reason.INVALID_FIELDS;
            case 503 -> Reason.KAFKA_UNAVAILABLE;
            default -> Reason.INTERNAL_ERROR;
        };
    }
}
