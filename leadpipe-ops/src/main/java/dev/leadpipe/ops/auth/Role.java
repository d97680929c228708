package dev.leadpipe.ops.auth;

import java.util.Optional;

/**
 * What a credential may do. {@link #DESTINATIONS_ADMIN} and {@link #STATUS_READ} (and {@link #LEADS_WRITE}) act only
 * for the publishers a credential is scoped to; {@link #OPERATOR} may do everything, for every publisher.
 */
public enum Role {
    /** Post leads (the marketplace feed): {@code POST /v1/leads}, {@code /v1/leads/batch}. */
    LEADS_WRITE("leads:write"),
    /** Read, change, delete, validate and publish offers' lead destinations. */
    DESTINATIONS_ADMIN("destinations:admin"),
    /** Read the status service: the list, one offer, the waiting leads, the page. */
    STATUS_READ("status:read"),
    /** Scrape {@code /metrics}. */
    METRICS_READ("metrics:read"),
    /** Everything, for every publisher. */
    OPERATOR("operator");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** The role's name on the wire and in {@code leadctl keys}: {@code status:read}. */
    public String id() {
        return id;
    }

    /** The role named {@code id} (as {@link #id()} spells it), if there is one. */
    public static Optional<Role> byId(String id) {
        for (Role r : values()) {
            if (r.id.equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
