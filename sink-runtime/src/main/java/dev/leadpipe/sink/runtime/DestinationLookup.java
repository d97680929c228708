package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.Optional;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.secret.SecretUnreadableException;

/**
 * Where a lead goes at this attempt: its offer's current destination in the {@link DestinationCatalog}, looked up at
 * every attempt so that a fixed configuration applies to the next attempt and to replays, with its secret settings
 * decrypted ({@link SecretKeyring}). A lead whose offer has no destination waits once, {@link #DESTINATION_GRACE}, for a
 * catalog that has not read a brand-new destination yet (the grace is marked as used on the lead); after that, and for
 * a destination of another type or with a secret this sink cannot decrypt, the lead cannot be delivered here (a
 * permanent failure). A destination whose {@link DoNotContactLeads} setting is record-only gets no do-not-contact
 * lead: the one place that decides it, for every sink. Decides only: what follows is the {@link Dispatcher}'s. Thread-safe.
 */
record DestinationLookup(DestinationCatalog catalog, SecretKeyring keyring, DestinationType type) {
    /** How long a lead whose offer has no destination waits once for the catalog to catch up before dead-lettering. */
    static final Duration DESTINATION_GRACE = Duration.ofSeconds(1);

    /** What a lead's offer routes it to now. */
    sealed interface Route {}

    /** Attempt the lead at {@code destination}: of the sink's type, its secrets decrypted. */
    record Deliver(LeadDestination destination) implements Route {}

    /** Look again after {@link #DESTINATION_GRACE}: the catalog may not have read the offer's destination yet. */
    record AwaitCatalog() implements Route {}

    /**
     * The lead cannot be delivered by this sink: dead-letter it with {@code failure}.
     *
     * @param destination the destination found (whose secrets to redact from the detail), or null
     * @param why         for the log line only, with no customer data
     */
    record Undeliverable(LeadDestination destination, DeliveryFailure failure, String why) implements Route {}

    /**
     * Send nothing: the destination says this lead is not to be sent ({@link DoNotContactLeads#RECORD_ONLY} and a
     * do-not-contact lead); its outcome is {@code SUPPRESSED} with {@code errorClass}.
     */
    record NotSent(LeadDestination destination, ErrorClass errorClass) implements Route {}

    /** Where {@code p} goes now; a catalog or keyring that fails unexpectedly throws. */
    Route route(PendingLead p) {
        String offerId = p.offerId();
        Optional<LeadDestination> found = offerId == null ? Optional.empty() : catalog.get(offerId);
        if (found.isEmpty()) {
            if (offerId != null && !p.destinationGraceUsed) {
                p.destinationGraceUsed = true;
                return new AwaitCatalog();
            }
            return new Undeliverable(
                    null,
                    new DeliveryFailure(
                            ErrorClass.NO_DESTINATION_CONFIGURED,
                            0,
                            null,
                            offerId == null
                                    ? "the lead names no offer"
                                    : "offer " + offerId + " has no lead destination"),
                    "no destination");
        }
        LeadDestination destination = found.get();
        if (destination.type() == type) {
            try {
                destination = keyring.decryptSecrets(destination);
            } catch (SecretUnreadableException e) {
                return new Undeliverable(
                        destination,
                        new DeliveryFailure(ErrorClass.SECRET_UNREADABLE, 0, null, e.getMessage()),
                        "secret unreadable");
            }
        }
        if (destination.type() != type) {
            ErrorClass c = destination.type() == DestinationType.BLOB
                    ? ErrorClass.DESTINATION_UNSUPPORTED
                    : ErrorClass.NO_DESTINATION_CONFIGURED;
            return new Undeliverable(
                    destination,
                    new DeliveryFailure(
                            c,
                            0,
                            null,
                            "offer " + offerId
                                    + " now has a lead destination of type "
                                    + destination.type().wireName() + ", not "
                                    + type.wireName() + "; replay the lead to route it there"),
                    "destination type now " + destination.type().wireName());
        }
        if (DoNotContactLeads.of(destination.settings()).withholds(p.lead)) {
            return new NotSent(destination, ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED);
        }
        return new Deliver(destination);
    }
}
