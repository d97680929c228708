package dev.leadpipe.core.destination;

import java.util.List;
import java.util.OptionalInt;

/** A {@link DestinationSpec} whose parts are given to its constructor: the base of the registered types' specs. */
public abstract class DeclaredSpec implements DestinationSpec {
    private final String typeName;
    private final String title;
    private final List<SettingSpec> settings;
    private final List<Route> routes;
    private final String whereToFind;
    private final OptionalInt defaultOpsPort;

    protected DeclaredSpec(
            String typeName,
            String title,
            List<SettingSpec> settings,
            List<Route> routes,
            String whereToFind,
            OptionalInt defaultOpsPort) {
        this.typeName = typeName;
        this.title = title;
        this.settings = List.copyOf(settings);
        this.routes = List.copyOf(routes);
        this.whereToFind = whereToFind;
        this.defaultOpsPort = defaultOpsPort;
    }

    @Override
    public final String typeName() {
        return typeName;
    }

    @Override
    public final String title() {
        return title;
    }

    @Override
    public final List<SettingSpec> settings() {
        return settings;
    }

    @Override
    public final List<Route> routes() {
        return routes;
    }

    @Override
    public final String whereToFind() {
        return whereToFind;
    }

    @Override
    public final OptionalInt defaultOpsPort() {
        return defaultOpsPort;
    }

    @Override
    public String toString() {
        return "DestinationSpec[" + typeName + "]";
    }
}
