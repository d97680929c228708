package dev.leadpipe.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A configuration record's settings, declared once with what the record is called in problems and the rules between
 * its settings: every way {@link Settings} reads, checks, builds, copies and shows that record goes through this one
 * declaration instead of naming the type, the settings and the rules again at each call.
 *
 * @param type     the configuration record
 * @param what     what it is called in a problem, such as {@code "router settings"}
 * @param settings its settings, in the order of its components (a setting without a component is only checked)
 * @param rules    the rules between two of its settings
 */
public record Declaration<R extends Record>(
        Class<R> type, String what, List<Setting<?>> settings, List<Settings.Rule<?, ?>> rules) {

    public Declaration {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(what, "what");
        settings = List.copyOf(settings);
        rules = List.copyOf(rules);
    }

    /** A declaration without rules between settings. */
    public Declaration(Class<R> type, String what, List<Setting<?>> settings) {
        this(type, what, settings, List.of());
    }

    /**
     * Checks the values the record is built with, in the order of its components; called by its canonical
     * constructor.
     *
     * @see Settings#check
     */
    public void check(Object... componentValues) {
        Settings.check(type, what, settings, rules, componentValues);
    }

    /**
     * Reads the record from environment variables (a service passes {@code System.getenv()}): a required setting
     * such as {@code KAFKA_BOOTSTRAP_SERVERS} must be set; any other unset or blank variable takes its default;
     * undeclared variables are ignored.
     *
     * @throws IllegalArgumentException naming every missing or unreadable variable at once, on one line, never
     *                                  echoing a value; see {@link Settings#fromEnvironment}
     */
    public R fromEnvironment(Map<String, String> env) {
        return Settings.fromEnvironment(type, what, settings, rules, env);
    }

    /** Every default but {@code setting}, such as the required bootstrap servers. */
    public <T> R build(Setting<T> setting, T value) {
        return Settings.build(type, settings, setting, value);
    }

    /** A copy of {@code config} with one setting changed, checked as a new one. */
    public <T> R with(R config, Setting<T> setting, T value) {
        return Settings.with(config, settings, setting, value);
    }

    /** A copy of {@code config} with the given settings changed, checked as a new one. */
    public R with(R config, Map<Setting<?>, ?> changes) {
        return Settings.with(config, settings, changes);
    }

    /** {@code Type[component=value, ...]}, secrets masked; see {@link Settings#describe}. */
    public String describe(R config) {
        return Settings.describe(config, settings);
    }
}
