package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import dev.leadpipe.azurite.AzuriteServer;
import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.GroupOffsets;

/**
 * Stage 4b: the table sink (sink-table from its jar) on Azurite started by the bench, run twice on the same backlog
 * shape: one upsert per lead ({@code SINK_TABLE_MAX_BATCH=1}) and batch transactions ({@code SINK_TABLE_MAX_BATCH=100}).
 * Every lead must have its DELIVERED outcome and its entity in Azurite, or the stage fails.
 */
public final class TableStage implements Stage {
    private static final int LEADS = 6_000;
    private static final int OFFERS = 4;
    private static final String TABLE = "MarketplaceLeads";
    /** The table sink's batch size setting (sink-table's {@code TableSinkConfig}): 1 is one upsert per lead. */
    static final String MAX_BATCH_ENV = "SINK_TABLE_MAX_BATCH";

    @Override
    public String title() {
        return "4b. Table sink on Azurite: batch transactions against single upserts";
    }

    @Override
    public String method() {
        return "sink-table (its runnable jar, its default concurrency per endpoint) on Azurite (`embedded-azurite`, in memory,"
                + " started by the bench) drains a backlog of " + String.format("%,d", LEADS) + " leads spread over "
                + OFFERS + " offers of one storage account, written to `deliveries.table` before it starts. Run twice"
                + " on the same backlog shape (new offers, new consumer group each time): `" + MAX_BATCH_ENV + "=1`"
                + " (one upsert per lead, the baseline) and `" + MAX_BATCH_ENV + "=100` (batch transactions of up to"
                + " 100 entities of one PartitionKey). Figure: DELIVERED outcomes per second between the first and the"
                + " last one. Every lead must have its outcome and its entity in Azurite.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        int leads = Math.max(200, (int) Math.round(LEADS * bench.scale()));
        String bootstrap = bench.bootstrapServers();
        StageKafka.ensureTopics(bootstrap);
        try (AzuriteServer azurite = AzuriteServer.builder()
                .logDirectory(bench.workDir("table-azurite"))
                .start()) {
            bench.progress("table: Azurite on " + azurite.tableEndpoint());
            TableClient table = new TableClientBuilder()
                    .connectionString(azurite.connectionString())
                    .tableName(TABLE)
                    .buildClient();
            Run single = drain(bench, azurite, table, leads, 1);
            Run batch = drain(bench, azurite, table, leads, 100);
            double ratio = batch.rate / single.rate;
            bench.progress(String.format(
                    "table: batch %,.0f leads/s, single %,.0f leads/s (%.1f×)", batch.rate, single.rate, ratio));
            return List.of(new Figure(
                    "sink-table, batch transactions (" + MAX_BATCH_ENV + "=100), " + OFFERS + " offers",
                    batch.rate,
                    "leads/s",
                    "one upsert per lead (" + MAX_BATCH_ENV + "=1)",
                    single.rate,
                    "≥ 5×",
                    ratio >= 5,
                    "batch: " + batch.note + "; single: " + single.note));
        }
    }

    /** What one drain measured. */
    private record Run(double rate, String note) {}

    private Run drain(Bench bench, AzuriteServer azurite, TableClient table, int leads, int maxBatch) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "bench-table-" + maxBatch + "-" + run;
        String group = "bench-sink-table-" + maxBatch + "-" + run;
        String bootstrap = bench.bootstrapServers();
        String keyEntry = "bench=" + SecretKeyring.newKey();
        SecretKeyring keyring = SecretKeyring.of(List.of(keyEntry), "the bench");
        List<String> offers = new ArrayList<>();
        List<LeadDestination> destinations = new ArrayList<>();
        for (int o = 0; o < OFFERS; o++) {
            String offer = "bench-table.b" + maxBatch + "-" + run + "-" + o;
            offers.add(offer);
            destinations.add(keyring.encryptSecrets(new LeadDestination(
                    offer,
                    DestinationType.TABLE,
                    Map.of("connectionString", azurite.connectionString()),
                    List.of(),
                    1,
                    Instant.now())));
        }
        List<TopicSpec<?, ?>> consumed = new ArrayList<>(List.of(Topics.DELIVERIES_TABLE));
        consumed.addAll(Topics.retryTiers(DestinationType.TABLE));
        GroupOffsets.atEnd(bootstrap, group, consumed);

        try (OutcomeTally outcomes = new OutcomeTally(bootstrap, prefix)) {
            StageKafka.putDestinations(bootstrap, destinations);
            List<Lead> backlog = StageKafka.routableLeads(bench.leads(), prefix, offers, leads);
            List<Map.Entry<String, Lead>> records = new ArrayList<>(leads);
            backlog.forEach(l -> records.add(Map.entry(l.leadId(), l)));
            StageKafka.write(bootstrap, Topics.DELIVERIES_TABLE, records);
            String what = "table (" + MAX_BATCH_ENV + "=" + maxBatch + ")";
            bench.progress(what + ": " + leads + " leads on deliveries.table; starting sink-table");
            ServiceJvm.ResourceUse use;
            double inFlight;
            double queued;
            try (ServiceJvm sink = bench.start(
                    "sink-table",
                    Map.of(
                            "SINK_GROUP_ID",
                            group,
                            MAX_BATCH_ENV,
                            Integer.toString(maxBatch),
                            DestinationAddresses.ALLOWED_HOSTS_ENV,
                            "127.0.0.1,localhost",
                            SecretKeyring.KEYS_ENV,
                            keyEntry),
                    "256m")) {
                try (GaugeSampler gauges = GaugeSampler.sinkLanes(sink.port(), bench.apiKey())) {
                    outcomes.awaitOutcomes(
                            leads, Duration.ofSeconds(60), Duration.ofSeconds(30 + leads / 20), bench, what);
                    inFlight = gauges.mean(GaugeSampler.SINK_IN_FLIGHT);
                    queued = gauges.mean(GaugeSampler.SINK_QUEUED);
                }
                use = sink.use();
            }
            int delivered = outcomes.count(OutcomeType.DELIVERED);
            long stored = 0;
            for (String offer : offers) {
                stored += entities(table, offer);
            }
            if (delivered != leads || stored != leads) {
                throw new IllegalStateException(what + ": of " + leads + " leads, " + delivered + " DELIVERED and "
                        + stored + " entities in Azurite; outcomes " + outcomes.counts());
            }
            double rate = outcomes.drainRate(0, 1);
            bench.progress(String.format("%s: %,.0f leads/s", what, rate));
            return new Run(
                    rate,
                    String.format(
                            "%,d leads in %.1f s, sink JVM peak heap %.0f MiB, %.1f s CPU, on average %.0f leads held"
                                    + " in memory and %.0f of them queued at the endpoint",
                            leads, outcomes.drainSeconds(), use.peakHeapMiB(), use.cpuSeconds(), inFlight, queued));
        }
    }

    /** The entities of {@code offer}'s partition in the leads table. */
    private static long entities(TableClient table, String offer) {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter("PartitionKey eq '" + offer + "'")
                .setSelect(List.of("RowKey"));
        return table.listEntities(options, Duration.ofSeconds(60), null).stream()
                .count();
    }
}
