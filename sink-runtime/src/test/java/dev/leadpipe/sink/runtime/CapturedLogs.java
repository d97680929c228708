package dev.leadpipe.sink.runtime;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Every line logged through the root logger while attached, with its exception chain, for tests to search. */
final class CapturedLogs {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** Starts capturing. */
    static CapturedLogs attach() {
        CapturedLogs logs = new CapturedLogs();
        Logger root = root();
        logs.appender.setContext(root.getLoggerContext());
        logs.appender.start();
        root.addAppender(logs.appender);
        return logs;
    }

    /** Stops capturing; what was captured stays readable. */
    void detach() {
        root().detachAppender(appender);
    }

    /** Each captured line: the message, then {@code " | class: message"} for each exception in its cause chain. */
    List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : events) {
            StringBuilder line = new StringBuilder(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Fails unless something was logged and no line holds the canary secret or the customer's address. */
    void assertNoSecretOrAddress() {
        List<String> lines = lines();
        assertThat(lines).as("captured log lines").isNotEmpty();
        assertThat(lines)
                .noneMatch(l -> l.contains(SinkTestSupport.CANARY))
                .noneMatch(l -> l.contains(SinkTestSupport.EMAIL));
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
