package dev.leadpipe.sink.dynamics;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.dynamics.DataverseMetadata.MetadataException;
import dev.leadpipe.sink.dynamics.DataverseSchema.Report;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;

/**
 * The Dynamics onboarding check and setup for one destination (its secrets decrypted), signed in as the sink signs
 * in ({@link DynamicsDestinationClient}): {@link #check} reads the {@code lead} table's columns and keys and reports
 * what delivery lacks ({@link DataverseSchema}); {@link #setup} creates what is missing and waits for the alternate
 * key to become Active. Used by {@code leadctl destinations check|setup}. Every failure is a
 * {@link SchemaToolException} whose message is one line fit to print (no secret, no token).
 */
public final class DynamicsSchemaTool {
    /** Waits between polls of the key's status. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** What the setup created and the table's state afterwards. */
    public record SetupResult(List<String> created, Report after) {}

    /** A check or setup that could not be done; {@link #errorClass()} when it has one (sign-in, privileges). */
    public static final class SchemaToolException extends Exception {
        private final ErrorClass errorClass;

        SchemaToolException(ErrorClass errorClass, String message) {
            super(message, null, false, false);
            this.errorClass = errorClass;
        }

        public ErrorClass errorClass() {
            return errorClass;
        }
    }

    private final DynamicsDestinationClient client;

    /** Over {@code client}'s sign-in and HTTP client (the caller closes it). */
    public DynamicsSchemaTool(DynamicsDestinationClient client) {
        this.client = client;
    }

    /** What the destination's lead table lacks (an empty report when delivery can work). */
    public Report check(LeadDestination destination) throws SchemaToolException {
        DataverseMetadata metadata = signIn(destination);
        try {
            return DataverseSchemaCheck.check(metadata);
        } catch (MetadataException e) {
            throw new SchemaToolException(
                    e.privilegeClass(),
                    DataverseSchemaSetup.failure("reading the lead table's definition", e, null)
                            .getMessage());
        }
    }

    /**
     * Creates the missing columns and key, then waits, polling every {@code pollInterval} for at most
     * {@code timeout}, until the key is Active; each step and poll goes to {@code progress}.
     */
    public SetupResult setup(
            LeadDestination destination,
            Clock clock,
            Sleeper sleeper,
            Duration pollInterval,
            Duration timeout,
            Consumer<String> progress)
            throws SchemaToolException, InterruptedException {
        DataverseMetadata metadata = signIn(destination);
        try {
            DataverseSchemaSetup.Result r =
                    new DataverseSchemaSetup(metadata, clock, sleeper::sleep, pollInterval, timeout, progress).run();
            return new SetupResult(r.created(), r.after());
        } catch (DataverseSchemaSetup.SetupException e) {
            throw new SchemaToolException(e.privilegeClass(), e.getMessage());
        }
    }

    private DataverseMetadata signIn(LeadDestination destination) throws SchemaToolException {
        if (destination.type() != DestinationType.DYNAMICS) {
            throw new SchemaToolException(
                    null,
                    "the destination is of type " + destination.type().wireName()
                            + ": only a dynamics destination has a Dataverse schema to check");
        }
        try {
            return client.metadata(destination);
        } catch (DeliveryException e) {
            DeliveryFailure f = e.failure();
            throw new SchemaToolException(
                    f.errorClass(),
                    "signing in to Dataverse failed with " + f.errorClass().code() + ": "
                            + f.errorClass().remediation()
                            + (f.detail() == null ? "" : " (" + f.detail() + ")"));
        }
    }
}
