package dev.leadpipe.ops.logging;

import java.util.Locale;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The encoder of every service's console appender (leadpipe-ops' {@code logback.xml}): the format named by
 * {@value #FORMAT_ENV}, read once when logback starts.
 * <ul>
 *   <li>{@code json} (the default): one JSON object per line, logback's {@link JsonEncoder} with the fields
 *       {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName}, {@code mdc},
 *       {@code kvpList}, {@code formattedMessage} and {@code throwable}; no sequence numbers, logger context, raw
 *       message pattern or arguments (the formatted message already holds them);</li>
 *   <li>{@code plain}: {@value #PLAIN_PATTERN}.</li>
 * </ul>
 * Any other value logs JSON and adds a warning to logback's status, which logback then prints on the console, so a
 * typo is seen rather than silencing the service.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {
    /** The environment variable that chooses the format: {@code json} or {@code plain}. */
    public static final String FORMAT_ENV = "LEADPIPE_LOG_FORMAT";
    /** The environment variable of the root level (read by {@code logback.xml} itself). */
    public static final String LEVEL_ENV = "LEADPIPE_LOG_LEVEL";

    static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

    private String format = System.getenv(FORMAT_ENV);
    private Encoder<ILoggingEvent> delegate;

    /** Overrides {@value #FORMAT_ENV} (a {@code <format>} element in the configuration, or tests). */
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
                addWarn(FORMAT_ENV + " must be json or plain, not '" + format + "': logging JSON lines");
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
