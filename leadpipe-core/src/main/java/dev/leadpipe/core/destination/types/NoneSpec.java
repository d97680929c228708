package dev.leadpipe.core.destination.types;

import java.util.List;
import java.util.OptionalInt;

import dev.leadpipe.core.destination.DeclaredSpec;

/** No destination: the offer's leads are held (and can be replayed once one is configured). Takes no settings. */
public final class NoneSpec extends DeclaredSpec {
    static final String NOT_DELIVERED = "not delivered: the offer has no working lead destination; the lead is held and"
            + " can be replayed once one is configured.";

    public NoneSpec() {
        super("none", "No destination", List.of(), List.of(), NOT_DELIVERED, OptionalInt.empty());
    }
}
