package dev.leadpipe.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Builds a service's configuration, a record whose components are filled by a declared list of {@link Setting}s (by
 * name; a setting without a component, such as {@code KAFKA_REPLICATION_FACTOR}, is only checked). Every problem is
 * reported together in one single-line {@link IllegalArgumentException}, {@code "invalid <what>: <problem>; ..."},
 * naming each variable (or, in-process, each component and its variable) and what it must be, never a value.
 */
public final class Settings {

    private Settings() {}

    /**
     * A rule between two settings, checked when both are valid on their own: the problem reads
     * {@code "<subject> must <must> <other>"}, such as {@code SINK_MAX_BACKOFF must not be shorter than
     * SINK_INITIAL_BACKOFF}.
     */
    public record Rule<A, B>(Setting<A> subject, String must, Setting<B> other, BiPredicate<A, B> holds) {
        String problem(Map<Setting<?>, Object> values, boolean byEnv) {
            @SuppressWarnings("unchecked")
            A a = (A) values.get(subject);
            @SuppressWarnings("unchecked")
            B b = (B) values.get(other);
            if (subject.problem(a, byEnv) != null || other.problem(b, byEnv) != null || holds.test(a, b)) {
                return null;
            }
            return subject.label(byEnv) + " must " + must + " " + other.label(byEnv);
        }
    }

    /**
     * Reads the configuration from environment variables: an unset or blank variable takes its setting's default;
     * variables not declared are ignored. A setting read by a {@link Setting.WholeEnvironment} parser gets every
     * variable and reports its own problems.
     *
     * @param what what is read, such as {@code "router settings"}, for the message
     * @throws IllegalArgumentException naming every missing, unreadable or invalid variable at once
     */
    public static <R extends Record> R fromEnvironment(
            Class<R> type, String what, List<Setting<?>> settings, List<Rule<?, ?>> rules, Map<String, String> env) {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Setting<?> s : settings) {
            Object value;
            String problem;
            if (s.parser() instanceof Setting.WholeEnvironment<?> whole) {
                try {
                    value = whole.fromEnvironment(env);
                    problem = s.problem(value, true);
                } catch (IllegalArgumentException e) {
                    value = null;
                    problem = e.getMessage();
                }
            } else {
                try {
                    value = s.read(env.get(s.env()));
                    value = value == null ? s.defaultValue() : value;
                    problem = s.problem(value, true);
                } catch (IllegalArgumentException e) {
                    value = null;
                    problem = s.env() + " must be " + s.rule();
                }
            }
            values.put(s, value);
            addIfAny(problems, problem);
        }
        for (Rule<?, ?> rule : rules) {
            addIfAny(problems, rule.problem(values, true));
        }
        throwIfAny(what, problems);
        return construct(type, null, values);
    }

    /**
     * Checks the values a configuration record is built with, in the order of its components; called by its
     * canonical constructor.
     *
     * @throws IllegalArgumentException naming every invalid component and its variable at once
     */
    public static void check(
            Class<? extends Record> type,
            String what,
            List<Setting<?>> settings,
            List<Rule<?, ?>> rules,
            Object... componentValues) {
        Map<Setting<?>, Object> values = new HashMap<>();
        RecordComponent[] components = type.getRecordComponents();
        if (componentValues.length != components.length) {
            throw new IllegalStateException(type.getSimpleName() + " checks " + componentValues.length + " values for "
                    + components.length + " components");
        }
        for (int i = 0; i < components.length; i++) {
            Setting<?> s = find(settings, components[i].getName());
            if (s != null) {
                values.put(s, componentValues[i]);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Setting<?> s : settings) {
            if (values.containsKey(s)) {
                addIfAny(problems, s.problem(values.get(s), false));
            }
        }
        for (Rule<?, ?> rule : rules) {
            addIfAny(problems, rule.problem(values, false));
        }
        throwIfAny(what, problems);
    }

    /** A configuration of every default but the given values. */
    public static <R extends Record> R build(Class<R> type, List<Setting<?>> settings, Map<Setting<?>, ?> given) {
        Map<Setting<?>, Object> values = new HashMap<>();
        for (Setting<?> s : settings) {
            values.put(s, given.containsKey(s) ? trimmed(s, given.get(s)) : s.defaultValue());
        }
        return construct(type, null, values);
    }

    /** A configuration of every default but {@code setting}, such as the required bootstrap servers. */
    public static <R extends Record, T> R build(Class<R> type, List<Setting<?>> settings, Setting<T> setting, T value) {
        return build(type, settings, Collections.singletonMap(setting, value));
    }

    /** A copy of {@code config} with one setting changed, checked as a new one. */
    public static <R extends Record, T> R with(R config, List<Setting<?>> settings, Setting<T> setting, T value) {
        return with(config, settings, Collections.singletonMap(setting, value));
    }

    /** A copy of {@code config} with the given settings changed, checked as a new one. */
    public static <R extends Record> R with(R config, List<Setting<?>> settings, Map<Setting<?>, ?> changes) {
        Map<Setting<?>, Object> values = new HashMap<>();
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) config.getClass();
        for (RecordComponent c : type.getRecordComponents()) {
            Setting<?> s = find(settings, c.getName());
            if (s != null) {
                values.put(s, changes.containsKey(s) ? trimmed(s, changes.get(s)) : get(c, config));
            }
        }
        for (Setting<?> s : changes.keySet()) {
            if (!values.containsKey(s)) {
                throw new IllegalArgumentException(s.env() + " is not a setting of " + type.getSimpleName());
            }
        }
        return construct(type, config, values);
    }

    /** {@code Type[component=value, ...]}, each value shown by its setting, so secrets are masked. */
    public static String describe(Record config, List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder(config.getClass().getSimpleName()).append('[');
        RecordComponent[] components = config.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Setting<?> s = find(settings, components[i].getName());
            Object value = get(components[i], config);
            out.append(i == 0 ? "" : ", ")
                    .append(components[i].getName())
                    .append('=')
                    .append(s == null ? String.valueOf(value) : s.show(value));
        }
        return out.append(']').toString();
    }

    private static <R extends Record> R construct(Class<R> type, R copyOf, Map<Setting<?>, Object> values) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Setting<?> s = find(List.copyOf(values.keySet()), components[i].getName());
            args[i] = s != null ? values.get(s) : copyOf == null ? null : get(components[i], copyOf);
        }
        try {
            Constructor<R> canonical = type.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** Text given in-process is trimmed as it would be when read from a variable (unless secret). */
    private static Object trimmed(Setting<?> s, Object value) {
        return value instanceof String text && !s.isSecret() ? text.trim() : value;
    }

    private static Object get(RecordComponent c, Record config) {
        try {
            return c.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    private static Setting<?> find(List<Setting<?>> settings, String name) {
        for (Setting<?> s : settings) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static void addIfAny(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    private static void throwIfAny(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + what + ": " + String.join("; ", problems));
        }
    }
}
