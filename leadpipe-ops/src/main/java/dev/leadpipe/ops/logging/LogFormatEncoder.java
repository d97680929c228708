package dev.leadpipe.ops.logging;

import java.util.Locale;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The encoder of every service's console appender (leadpipe-ops' {@code logback.xml}): the format named by
 * {@value LogConfig#FORMAT_ENV} ({@link LogConfig#FORMAT}), read once when logback starts.
 * <ul>
 *   <li>{@code json} (the default): one JSON object per line, logback's {@link JsonEncoder} with the fields
 *       {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName}, {@code mdc},
 *       {@code kvpList}, {@code formattedMessage} and {@code throwable}; no sequence numbers, logger context, raw
 *       message pattern or arguments (the formatted message already holds them);</li>
 *   <li>{@code plain}: {@value #PLAIN_PATTERN}.</li>
 * </ul>
 * Any other value logs JSON and adds a warning to logback's status, which logback then prints on the console, so a
 * typo is seen rather than silencing the service (a service run by {@link dev.leadpipe.ops.ServiceProcess} stops at
 * start-up instead, see {@link LogConfig}).
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {
    static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

    private String format = System.getenv(LogConfig.FORMAT_ENV);
    private Encoder<ILoggingEvent> delegate;

    /** Overrides {@value LogConfig#FORMAT_ENV} (a {@code <format>} element in the configuration, or tests). */
    public void setFormat(String format) {
        this.format = format;
    }

    @Override
    public void start() {
        String chosen =
                format == null || format.isBlank() ? "json" : format.trim().toLowerCase(Locale.ROOT);
        if (chosen.equals("plain")) {
            PatternLayoutEncoder plain = new PatternLayoutEncoder();
            plain.setPattern(PLAIN_PATTERN);
            delegate = plain;
        } else {
            if (!chosen.equals("json")) {
                addWarn(LogConfig.FORMAT_ENV + " must be json or plain, not '" + format + "': logging JSON lines");
            }
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            delegate = json;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
