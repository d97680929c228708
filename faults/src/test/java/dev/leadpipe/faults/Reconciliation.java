package dev.leadpipe.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.fakes.FakeHttpsReceiver;

/**
 * Reconciles one scenario: the leads ingest acknowledged ({@link LoadGenerator.Ack}) against their last outcome on
 * {@code lead-outcomes}, their records on {@code leads-dlq} ({@link OutcomeLedger}) and what the receivers hold
 * ({@link FakeHttpsReceiver#deliveries()}: accepted requests per Idempotency-Key). Counts only, ids of offers and
 * phases; never a lead's content.
 *
 * <ul>
 *   <li><b>lost</b>: acknowledged, no outcome at all;</li>
 *   <li><b>re-sends</b>: the sum over held leads of (accepted requests − 1);</li>
 *   <li><b>mismatches</b>: a last outcome of DELIVERED for a lead no receiver holds, or another last outcome for a
 *       lead a receiver holds (SENT_UNCONFIRMED too, which sink-https never writes: it is counted under its own name in
 *       {@code lastOutcomes}, never as DELIVERED);</li>
 *   <li><b>latency</b>: p50/p99/max of {@code latencyMs} (ingest receivedAt → delivered) of the DELIVERED outcomes
 *       of one offer, per phase.</li>
 * </ul>
 */
final class Reconciliation {
    private Reconciliation() {}

    /** Latency of one offer's delivered leads in one phase, in milliseconds. */
    record PhaseLatency(String phase, int delivered, long p50, long p99, long max) {}

    /** The reconciled figures of one scenario; {@link #extra} holds what only that scenario measures. */
    record Report(
            String scenario,
            int acknowledged,
            int lost,
            Map<String, Integer> lastOutcomes,
            int secondOutcomes,
            int deadLetteredLeads,
            Map<String, Integer> deadLettersByClass,
            int destinationRecords,
            int resends,
            int mismatches,
            Map<String, Map<String, Integer>> perOffer,
            List<PhaseLatency> latency,
            Map<String, Object> extra) {

        /** The latency of {@code name}; delivered 0 and -1 figures when none of the offer's leads was delivered then. */
        PhaseLatency phase(String name) {
            return latency.stream()
                    .filter(p -> p.phase().equals(name))
                    .findFirst()
                    .orElse(new PhaseLatency(name, 0, -1, -1, -1));
        }
    }

    /**
     * Reconciles {@code acks} (read the ledger to its end first); {@code latencyOffer} (or null) is the offer whose
     * DELIVERED latencies are reported per phase.
     */
    static Report reconcile(
            String scenario,
            List<LoadGenerator.Ack> acks,
            OutcomeLedger ledger,
            Collection<FakeHttpsReceiver> receivers,
            String latencyOffer,
            Map<String, Object> extra) {
        Map<String, FakeHttpsReceiver.Delivery> held = new HashMap<>();
        for (FakeHttpsReceiver r : receivers) {
            r.deliveries()
                    .forEach((id, d) -> held.merge(
                            id,
                            d,
                            (a, b) -> new FakeHttpsReceiver.Delivery(
                                    id, a.body(), a.count() + b.count(), a.signatureVerified(), a.headers())));
        }
        Map<String, Integer> lastOutcomes = new TreeMap<>();
        Map<String, Integer> byClass = new TreeMap<>();
        Map<String, Map<String, Integer>> perOffer = new TreeMap<>();
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        int lost = 0, second = 0, deadLettered = 0, records = 0, resends = 0, mismatches = 0;
        for (LoadGenerator.Ack ack : acks) {
            Map<String, Integer> offer = perOffer.computeIfAbsent(ack.offerId(), k -> new TreeMap<>());
            offer.merge("acknowledged", 1, Integer::sum);
            Outcome last = ledger.last(ack.leadId());
            FakeHttpsReceiver.Delivery d = held.get(ack.leadId());
            if (d != null) {
                records++;
                resends += d.count() - 1;
                offer.merge("held", 1, Integer::sum);
            }
            if (ledger.deadLetterCount(ack.leadId()) > 0) {
                deadLettered++;
                byClass.merge(ledger.deadLetterClass(ack.leadId()), 1, Integer::sum);
            }
            if (last == null) {
                lost++;
                offer.merge("lost", 1, Integer::sum);
                continue;
            }
            lastOutcomes.merge(last.outcome().name(), 1, Integer::sum);
            offer.merge(last.outcome().name(), 1, Integer::sum);
            if (ledger.outcomeCount(ack.leadId()) > 1) {
                second++;
            }
            if ((last.outcome() == OutcomeType.DELIVERED) != (d != null)) {
                mismatches++;
                offer.merge("mismatches", 1, Integer::sum);
            }
            if (ack.offerId().equals(latencyOffer)
                    && last.outcome() == OutcomeType.DELIVERED
                    && last.latencyMs() != null) {
                latencies.computeIfAbsent(ack.phase(), k -> new ArrayList<>()).add(last.latencyMs());
            }
        }
        List<PhaseLatency> latency = new ArrayList<>();
        latencies.forEach((phase, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            latency.add(new PhaseLatency(
                    phase,
                    sorted.size(),
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.99),
                    sorted.get(sorted.size() - 1)));
        });
        return new Report(
                scenario,
                acks.size(),
                lost,
                lastOutcomes,
                second,
                deadLettered,
                byClass,
                records,
                resends,
                mismatches,
                perOffer,
                latency,
                new LinkedHashMap<>(extra));
    }

    /** Nearest-rank percentile of a sorted list. */
    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * Writes {@code target/faults/<scenario>/report.md} and {@code report.json}, and appends the Markdown to
     * {@code target/faults/summary.md}.
     */
    static void write(Report report) throws IOException {
        Path dir = Files.createDirectories(FaultPipeline.FAULTS_DIR.resolve(report.scenario()));
        String md = markdown(report);
        Files.writeString(dir.resolve("report.md"), md);
        Files.writeString(
                dir.resolve("report.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(report)));
        Files.writeString(
                FaultPipeline.FAULTS_DIR.resolve("summary.md"),
                md + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("### ")
                .append(r.scenario())
                .append(" (suite ")
                .append(FaultSettings.SUITE)
                .append(")\n\n");
        b.append("| figure | value |\n|---|---|\n");
        row(b, "leads acknowledged", r.acknowledged());
        row(b, "lost (no outcome)", r.lost());
        row(b, "last outcomes", r.lastOutcomes());
        row(b, "leads with more than one outcome", r.secondOutcomes());
        row(
                b,
                "dead-lettered leads",
                r.deadLetteredLeads() + (r.deadLettersByClass().isEmpty() ? "" : " " + r.deadLettersByClass()));
        row(b, "destination records (distinct leads held)", r.destinationRecords());
        row(b, "re-sends (Σ accepted requests − 1)", r.resends());
        row(b, "outcome ≠ destination", r.mismatches());
        for (PhaseLatency p : r.latency()) {
            row(
                    b,
                    "latency " + p.phase() + " (ms, " + p.delivered() + " delivered)",
                    "p50 " + p.p50() + ", p99 " + p.p99() + ", max " + p.max());
        }
        r.extra().forEach((k, v) -> row(b, k, v));
        b.append("\nper offer: ").append(r.perOffer()).append('\n');
        return b.toString();
    }

    private static void row(StringBuilder b, String k, Object v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", r.scenario());
        m.put("suite", FaultSettings.SUITE);
        m.put("acknowledged", r.acknowledged());
        m.put("lost", r.lost());
        m.put("lastOutcomes", r.lastOutcomes());
        m.put("leadsWithMoreThanOneOutcome", r.secondOutcomes());
        m.put("deadLetteredLeads", r.deadLetteredLeads());
        m.put("deadLettersByClass", r.deadLettersByClass());
        m.put("destinationRecords", r.destinationRecords());
        m.put("resends", r.resends());
        m.put("outcomeDestinationMismatches", r.mismatches());
        m.put("perOffer", r.perOffer());
        List<Map<String, Object>> lat = new ArrayList<>();
        for (PhaseLatency p : r.latency()) {
            lat.add(new LinkedHashMap<>(Map.of(
                    "phase",
                    p.phase(),
                    "delivered",
                    p.delivered(),
                    "p50Ms",
                    p.p50(),
                    "p99Ms",
                    p.p99(),
                    "maxMs",
                    p.max())));
        }
        m.put("latency", lat);
        m.put("extra", r.extra());
        return m;
    }
}
