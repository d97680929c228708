package dev.leadpipe.sink.table;

import java.util.List;
import java.util.Map;

import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;

/**
 * The table sink's own settings, beside the shared sink settings of {@link dev.leadpipe.sink.runtime.SinkConfig};
 * each declared once in {@link #SETTINGS} and documented in {@code docs/sink-table.md} (a test compares the two).
 *
 * @param maxBatch how many leads of one account and offer (PartitionKey) at most share one batch transaction, 1 to
 *                 {@value TableDestinationClient#MAX_BATCH} (Azure Table's limit); 1 writes each lead with its own
 *                 upsert; default {@value TableDestinationClient#MAX_BATCH} ({@value #MAX_BATCH_ENV})
 */
public record TableSinkConfig(int maxBatch) implements DeclaredConfig<TableSinkConfig> {

    public static final String MAX_BATCH_ENV = "SINK_TABLE_MAX_BATCH";

    public static final Setting<Integer> MAX_BATCH = Setting.wholeNumber(
                    "maxBatch",
                    MAX_BATCH_ENV,
                    1,
                    TableDestinationClient.MAX_BATCH,
                    "leads of one offer and account at most in one batch transaction (1: one upsert per lead)")
            .defaultsTo(TableDestinationClient.MAX_BATCH);

    public static final List<Setting<?>> SETTINGS = List.of(MAX_BATCH);
    public static final Declaration<TableSinkConfig> DECLARATION =
            new Declaration<>(TableSinkConfig.class, "table sink settings", SETTINGS);

    public TableSinkConfig {
        DECLARATION.check(maxBatch);
    }

    /** Reads {@value #MAX_BATCH_ENV}; unset or blank is the default. */
    public static TableSinkConfig fromEnvironment(Map<String, String> env) {
        return DECLARATION.fromEnvironment(env);
    }

    @Override
    public Declaration<TableSinkConfig> declaration() {
        return DECLARATION;
    }
}
