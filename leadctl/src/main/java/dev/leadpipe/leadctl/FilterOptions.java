package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The selection options shared by {@code dlq list}, {@code dlq replay} and {@code waiting list} (a picocli mixin):
 * repeatable {@code --class}, {@code --offer}, {@code --destination}, and {@code --since} / {@code --until}. Unknown
 * classes and destination types are usage errors (exit 2) naming every valid value.
 */
final class FilterOptions {
    @Option(
            names = "--class",
            paramLabel = "CODE",
            converter = ErrorClassConverter.class,
            description =
                    "Only this error class (repeatable; a waiting lead's: of its last failure), e.g. NO_DESTINATION_CONFIGURED; see docs/error-catalogue.md.")
    List<ErrorClass> classes = new ArrayList<>();

    @Option(
            names = "--offer",
            paramLabel = "OFFER_ID",
            description = "Only this offer, publisherId.offerId (repeatable).")
    List<String> offers = new ArrayList<>();

    @Option(
            names = "--destination",
            paramLabel = "TYPE",
            converter = DestinationTypeConverter.class,
            description = "Only this destination type (repeatable): dynamics, salesforce, table, https, none, blob.")
    List<DestinationType> destinations = new ArrayList<>();

    @Option(
            names = "--since",
            paramLabel = "TIME",
            converter = TimeBound.Converter.class,
            description =
                    "Only leads whose last failure (waiting list: whose wait started) is at or after TIME: an ISO instant (2025-06-01T10:00:00Z), a date, or an age (90s, 30m, 2h, 7d).")
    TimeBound since;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            converter = TimeBound.Converter.class,
            description =
                    "Only leads whose last failure (waiting list: whose wait started) is before TIME (same forms as --since).")
    TimeBound until;

    DlqFilter toFilter(Instant now) {
        return DlqFilter.of(classes, offers, destinations, since, until, now);
    }

    /** Accepts an error class code in any letter case; anything else lists the valid codes. */
    static final class ErrorClassConverter implements ITypeConverter<ErrorClass> {
        @Override
        public ErrorClass convert(String value) {
            String v =
                    value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (ErrorClass c : ErrorClass.values()) {
                if (c.code().equals(v)) {
                    return c;
                }
            }
            throw new TypeConversionException("unknown error class '" + Privacy.safe(value) + "'; valid codes: "
                    + Arrays.stream(ErrorClass.values()).map(ErrorClass::code).collect(Collectors.joining(", ")));
        }
    }

    /** Accepts a destination type's wire name in any letter case; anything else lists the valid types. */
    static final class DestinationTypeConverter implements ITypeConverter<DestinationType> {
        @Override
        public DestinationType convert(String value) {
            return DestinationType.fromWireName(value)
                    .orElseThrow(() -> new TypeConversionException(
                            "unknown destination type '" + Privacy.safe(value) + "'; valid types: "
                                    + Arrays.stream(DestinationType.values())
                                            .map(DestinationType::wireName)
                                            .collect(Collectors.joining(", "))));
        }
    }
}
