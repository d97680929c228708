package dev.leadpipe.core.destination.types;

import java.util.List;

import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.SettingSpec;

/** No destination: the offer's leads are held (and can be replayed once one is configured). Takes no settings. */
public final class NoneSpec implements DestinationSpec {
    static final String NOT_DELIVERED = "not delivered: the offer has no working lead destination; the lead is held and"
            + " can be replayed once one is configured.";

    @Override
    public String typeName() {
        return "none";
    }

    @Override
    public String title() {
        return "No destination";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public String whereToFind() {
        return NOT_DELIVERED;
    }
}
