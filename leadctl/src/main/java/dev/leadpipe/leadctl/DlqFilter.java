package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;

/**
 * Which dead-letter records (or, for {@code waiting list}, waiting leads) a command selects, by their
 * {@code leadpipe.dlq.*} headers (a waiting lead's fields): any of the error classes,
 * any of the offer ids, any of the destination types (an empty set means any), and a failure time (the last failure
 * time header, else the record timestamp) at or after {@code since} and before {@code until}. Relative bounds are
 * resolved once, at {@code now}. {@link #normalized()} is a canonical text of the selection that does not depend on
 * option order, letter case of classes and types, or when it is evaluated.
 */
record DlqFilter(
        SortedSet<String> classes,
        SortedSet<String> offers,
        SortedSet<String> destinations,
        TimeBound since,
        TimeBound until,
        Instant now) {

    static DlqFilter of(
            List<ErrorClass> classes,
            List<String> offers,
            List<DestinationType> destinations,
            TimeBound since,
            TimeBound until,
            Instant now) {
        SortedSet<String> c = new TreeSet<>();
        if (classes != null) {
            classes.forEach(e -> c.add(e.code()));
        }
        SortedSet<String> o = new TreeSet<>();
        if (offers != null) {
            offers.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(o::add);
        }
        SortedSet<String> d = new TreeSet<>();
        if (destinations != null) {
            destinations.forEach(t -> d.add(t.wireName()));
        }
        return new DlqFilter(c, o, d, since, until, now);
    }

    static DlqFilter none(Instant now) {
        return of(List.of(), List.of(), List.of(), null, null, now);
    }

    boolean matches(DeadLetter dl) {
        return matches(dl.errorClass(), dl.offerId(), dl.destinationType(), dl.failureTime());
    }

    /**
     * Whether a lead with this error class code, offer, destination type and time (a dead letter's failure time, a
     * waiting lead's {@code since}) is selected; null fields match only when their filter is empty.
     */
    boolean matches(String errorClass, String offerId, String destinationType, Instant at) {
        if (!classes.isEmpty() && (errorClass == null || !classes.contains(errorClass.trim()))) {
            return false;
        }
        if (!offers.isEmpty() && (offerId == null || !offers.contains(offerId.trim()))) {
            return false;
        }
        if (!destinations.isEmpty()) {
            if (destinationType == null
                    || !destinations.contains(destinationType.trim().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        if (at == null) {
            return since == null && until == null;
        }
        if (since != null && at.isBefore(since.resolve(now))) {
            return false;
        }
        return until == null || at.isBefore(until.resolve(now));
    }

    String normalized() {
        return "class=" + String.join(",", classes)
                + ";offer=" + String.join(",", offers)
                + ";destination=" + String.join(",", destinations)
                + ";since=" + (since == null ? "" : since.normalized())
                + ";until=" + (until == null ? "" : until.normalized());
    }

    /** The filter as an operator reads it, e.g. {@code class NO_DESTINATION_CONFIGURED, offer contoso.x}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!classes.isEmpty()) {
            parts.add("class " + String.join("|", classes));
        }
        if (!offers.isEmpty()) {
            parts.add("offer " + String.join("|", offers));
        }
        if (!destinations.isEmpty()) {
            parts.add("destination " + String.join("|", destinations));
        }
        if (since != null) {
            parts.add("since " + since.resolve(now));
        }
        if (until != null) {
            parts.add("until " + until.resolve(now));
        }
        return parts.isEmpty() ? "every dead-lettered lead" : String.join(", ", parts);
    }
}
