package dev.leadpipe.ops.logging;

import java.util.List;
import java.util.Locale;

import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;

/**
 * How every service logs, declared like its other settings so that {@code deploy/} and the docs are checked against
 * it. logback reads the two variables itself when it starts ({@code logback.xml}, {@link LogFormatEncoder});
 * {@link dev.leadpipe.ops.ServiceProcess} reads them too, so that a bad value stops the service at start-up with
 * exit code 2 and one line, as any other bad setting does, instead of logging in a way nobody asked for.
 *
 * @param format {@code json} (one JSON object per line on stdout) or {@code plain} ({@value #FORMAT_ENV})
 * @param level  the root logger's level: {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR} or
 *               {@code OFF} ({@value #LEVEL_ENV})
 */
public record LogConfig(String format, String level) implements DeclaredConfig<LogConfig> {
    public static final String FORMAT_ENV = "LEADPIPE_LOG_FORMAT";
    public static final String LEVEL_ENV = "LEADPIPE_LOG_LEVEL";

    static final List<String> FORMATS = List.of("json", "plain");
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public static final Setting<String> FORMAT = Setting.oneOf(
                    "format",
                    FORMAT_ENV,
                    s -> s.toLowerCase(Locale.ROOT),
                    FORMATS,
                    "json: one JSON object per line on stdout; plain: one readable line per event")
            .defaultsTo("json");
    public static final Setting<String> LEVEL = Setting.oneOf(
                    "level", LEVEL_ENV, s -> s.toUpperCase(Locale.ROOT), LEVELS, "level of the root logger")
            .defaultsTo("INFO");

    public static final List<Setting<?>> SETTINGS = List.of(FORMAT, LEVEL);

    public static final Declaration<LogConfig> DECLARATION =
            new Declaration<>(LogConfig.class, "logging configuration", SETTINGS);

    public LogConfig {
        DECLARATION.check(format, level);
    }

    @Override
    public Declaration<LogConfig> declaration() {
        return DECLARATION;
    }
}
