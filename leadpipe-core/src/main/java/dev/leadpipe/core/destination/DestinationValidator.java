package dev.leadpipe.core.destination;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.leadpipe.core.lead.FieldError;

/**
 * Checks a lead destination's settings against its type's {@link DestinationSpec} before it is stored, reporting
 * every problem at once, one {@link FieldError} per bad setting (pointer {@code /settings/<name>}, {@code /settings}
 * for a route that is missing or ambiguous, {@code /type} for a refused type). Messages name the setting and what it
 * must be, never its value. In order: a refused type; names the type does not declare (typos); each present value's
 * form ({@link SettingSpec#problem}); then the route: the one whose markers are set (a fallback only when no other
 * is), or the only one, and its required settings. Checks only the form; whether the destination accepts the values
 * is what the test lead finds out. With a {@link DestinationAddresses} it also refuses every setting whose URL the
 * address rule refuses (a private, loopback or link-local address not allow-listed, plain http to a host not
 * allow-listed): this resolves host names.
 */
public final class DestinationValidator {
    private DestinationValidator() {}

    /** Every problem of the settings' form for this type, without the address rule. */
    public static List<FieldError> validate(DestinationType type, Map<String, String> settings) {
        return type == null ? List.of() : validate(DestinationSpecs.of(type), settings);
    }

    /**
     * Every problem of the settings for this type, the address rule included; empty when the configuration may be
     * stored. What ingest checks before it saves a configuration.
     */
    public static List<FieldError> validate(
            DestinationType type, Map<String, String> settings, DestinationAddresses addresses) {
        if (type == null) {
            return List.of();
        }
        DestinationSpec spec = DestinationSpecs.of(type);
        List<FieldError> errors = validate(spec, settings);
        Set<String> reported = errors.stream().map(FieldError::pointer).collect(Collectors.toSet());
        Map<String, String> present = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (spec.setting(name).isPresent() && value != null && !reported.contains(pointer(name))) {
                present.put(name, value);
            }
        });
        addresses
                .problems(spec, present)
                .forEach((name, problem) -> errors.add(new FieldError(pointer(name), problem)));
        return errors;
    }

    /** Every problem of the settings' form for the type this spec describes, without the address rule. */
    public static List<FieldError> validate(DestinationSpec spec, Map<String, String> settings) {
        List<FieldError> errors = new ArrayList<>();
        if (spec.refusal().isPresent()) {
            errors.add(new FieldError("/type", spec.refusal().get()));
            return errors;
        }
        Map<String, String> present = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (spec.setting(name).isEmpty()) {
                errors.add(new FieldError(pointer(name), unknownMessage(spec, name)));
            } else if (value != null && !value.isBlank()) {
                present.put(name, value.strip());
            }
        });
        present.forEach((name, value) -> spec.setting(name)
                .flatMap(s -> s.problem(value))
                .ifPresent(problem -> errors.add(new FieldError(pointer(name), problem))));
        checkRoute(spec, present, errors);
        return errors;
    }

    /**
     * The route a configuration with these (present, non-blank) settings takes: among the non-fallback routes whose
     * markers are set, the one whose set markers include every other's; else a marked fallback; else the only route.
     * Empty when none applies or two apply.
     */
    public static Optional<Route> chosenRoute(DestinationSpec spec, Map<String, String> present) {
        return Optional.ofNullable(resolve(spec, present).route());
    }

    private record Resolution(Route route, String problem) {}

    private static Resolution resolve(DestinationSpec spec, Map<String, String> present) {
        List<Route> preferred = spec.routes().stream()
                .filter(r -> !r.fallback() && !setMarkers(r, present).isEmpty())
                .toList();
        List<Route> widest = preferred.stream()
                .filter(r -> preferred.stream()
                        .noneMatch(o -> setMarkers(o, present).size()
                                        > setMarkers(r, present).size()
                                && setMarkers(o, present).containsAll(setMarkers(r, present))))
                .toList();
        if (widest.size() == 1) {
            return new Resolution(widest.get(0), null);
        }
        if (widest.size() > 1) {
            boolean sameMarkers =
                    widest.stream().allMatch(r -> setMarkers(r, present).equals(setMarkers(widest.get(0), present)));
            return new Resolution(
                    null,
                    sameMarkers
                            ? needs(widest)
                            : "holds settings of "
                                    + widest.stream()
                                            .map(r ->
                                                    r.title() + " (" + String.join(", ", setMarkers(r, present)) + ")")
                                            .collect(Collectors.joining(" and "))
                                    + ": choose one");
        }
        List<Route> fallbacks = spec.routes().stream()
                .filter(r -> r.fallback() && !setMarkers(r, present).isEmpty())
                .toList();
        if (fallbacks.size() == 1) {
            return new Resolution(fallbacks.get(0), null);
        }
        return spec.routes().size() == 1
                ? new Resolution(spec.routes().get(0), null)
                : new Resolution(null, needs(spec.routes()));
    }

    private static String needs(List<Route> routes) {
        return "needs "
                + routes.stream()
                        .map(r -> r.requiredList() + " (" + r.title() + ")")
                        .collect(Collectors.joining(" or "));
    }

    private static void checkRoute(DestinationSpec spec, Map<String, String> present, List<FieldError> errors) {
        if (spec.routes().isEmpty()) {
            return;
        }
        Resolution resolution = resolve(spec, present);
        if (resolution.route() == null) {
            errors.add(new FieldError("/settings", resolution.problem()));
            return;
        }
        Route route = resolution.route();
        String forRoute = spec.routes().size() == 1 ? "" : " for " + route.title();
        for (String name : route.required()) {
            if (!present.containsKey(name)) {
                String doc = spec.setting(name).map(SettingSpec::doc).orElse(name);
                errors.add(new FieldError(pointer(name), "is required" + forRoute + ": " + doc));
            }
        }
    }

    private static List<String> setMarkers(Route route, Map<String, String> present) {
        return route.markers().stream().filter(present::containsKey).sorted().toList();
    }

    private static String unknownMessage(DestinationSpec spec, String name) {
        TreeSet<String> known =
                spec.settings().stream().map(SettingSpec::name).collect(Collectors.toCollection(TreeSet::new));
        return "is not a setting of a " + spec.typeName() + " destination"
                + (known.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", known) + ")");
    }

    /** The JSON pointer of a setting ({@code /settings/<name>}, escaped). */
    public static String pointer(String name) {
        return "/settings/" + name.replace("~", "~0").replace("/", "~1");
    }
}
