package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A leadctl command that lists the rows of one topic that match the filters: the first {@code --limit} of them, as a
 * table (none when nothing matches) or with {@code --json} one JSON object per line, then the summary line counting
 * every matching row, on stdout, or on stderr with {@code --json}. Exit 0 also when nothing matches.
 */
abstract class ListCommand<T> extends LeadctlCommand {
    @Mixin
    FilterOptions filters;

    @Option(
            names = "--json",
            description = "One JSON object per line (every field, not only the table's columns); summary on stderr.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N leads (the summary still counts all).")
    Integer limit;

    private final String topic;
    private final Function<T, String> toJson;

    /** {@code toJson}: a row as one JSON line, with nothing in it that {@link Privacy} would not let through. */
    ListCommand(String topic, Function<T, String> toJson) {
        this.topic = topic;
        this.toJson = toJson;
    }

    @Override
    final int execute() {
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be 0 or more");
        }
        DlqFilter filter = filters.toFilter(Instant.now());
        List<T> matching = matching(kafka(topic), filter);
        List<T> shown = limit == null || limit >= matching.size() ? matching : matching.subList(0, limit);
        if (json) {
            shown.forEach(row -> out().println(json(row)));
            err().println(summary(matching, shown.size()));
        } else {
            if (!shown.isEmpty()) {
                printTable(shown);
            }
            out().println(summary(matching, shown.size()));
        }
        return ExitCodes.OK;
    }

    /** A row as one JSON line: by default the constructor's {@code toJson}. */
    String json(T row) {
        return toJson.apply(row);
    }

    /** Every row of the topic that {@code filter} matches, in the order listed. */
    abstract List<T> matching(KafkaAccess kafka, DlqFilter filter);

    abstract void printTable(List<T> rows);

    /** The last line: how many rows matched, of which {@code shown} were printed. */
    abstract String summary(List<T> matching, int shown);
}
