package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.leadpipe.core.KafkaSettings;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The base of every leadctl command that does work: runs {@link #execute()} and turns any failure into one line on
 * stderr and an exit code ({@link LeadctlException} carries its own; a Kafka client failure is exit 3; anything else
 * exit 1, described by class and a redacted message). Usage errors ({@link ParameterException}) go on to picocli's
 * usage-error handling (exit 2).
 */
abstract class LeadctlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Spec
    void installCompactUsageErrors(CommandSpec spec) {
        Leadctl.compactUsageErrors(spec);
    }

    /** The command's work; returns its exit code. */
    abstract int execute();

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (ParameterException e) {
            throw e;
        } catch (LeadctlException e) {
            fail(e.getMessage());
            return e.exitCode();
        } catch (KafkaException e) {
            fail("cannot reach Kafka at "
                    + KafkaSettings.BOOTSTRAP_SERVERS.show(leadctl().bootstrapServers()) + ": "
                    + KafkaAccess.reason(e));
            return ExitCodes.KAFKA_UNREACHABLE;
        } catch (RuntimeException e) {
            fail(describe(e));
            return ExitCodes.FAILURE;
        } finally {
            out().flush();
            err().flush();
        }
    }

    private void fail(String message) {
        out().flush();
        err().println("leadctl: " + Leadctl.oneLine(message));
    }

    /** An unexpected failure in one line: its class and its message without secrets or e-mail addresses. */
    static String describe(Throwable e) {
        String msg = e.getMessage() == null ? "" : ": " + Privacy.safeUpstream(e.getMessage());
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        StackTraceElement[] trace = e.getStackTrace();
        String where = trace.length == 0 ? "" : " (at " + trace[0] + ")";
        return "unexpected " + e.getClass().getSimpleName() + msg + where;
    }

    Leadctl leadctl() {
        return (Leadctl) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Connects to Kafka (the quick reachability check) and requires the named topics. */
    KafkaAccess kafka(String... requiredTopics) {
        return KafkaAccess.connect(leadctl().kafkaConnection(), requiredTopics);
    }
}
