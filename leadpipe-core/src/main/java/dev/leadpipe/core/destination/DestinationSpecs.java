package dev.leadpipe.core.destination;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.types.BlobSpec;
import dev.leadpipe.core.destination.types.DynamicsSpec;
import dev.leadpipe.core.destination.types.HttpsSpec;
import dev.leadpipe.core.destination.types.NoneSpec;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.destination.types.TableSpec;

/** The registry: one {@link DestinationSpec} for each {@link DestinationType}. */
public final class DestinationSpecs {
    private static final Map<DestinationType, DestinationSpec> SPECS = new EnumMap<>(Map.of(
            DestinationType.DYNAMICS, new DynamicsSpec(),
            DestinationType.SALESFORCE, new SalesforceSpec(),
            DestinationType.TABLE, new TableSpec(),
            DestinationType.HTTPS, new HttpsSpec(),
            DestinationType.NONE, new NoneSpec(),
            DestinationType.BLOB, new BlobSpec()));

    static {
        SPECS.forEach((type, spec) -> {
            if (!type.wireName().equals(spec.typeName())) {
                throw new ExceptionInInitializerError("spec " + spec.typeName() + " registered for " + type.wireName());
            }
        });
    }

    private DestinationSpecs() {}

    /** The spec of a type. */
    public static DestinationSpec of(DestinationType type) {
        return SPECS.get(type);
    }

    /** Every spec, in the order of {@link DestinationType}. */
    public static List<DestinationSpec> all() {
        return List.copyOf(SPECS.values());
    }
}
