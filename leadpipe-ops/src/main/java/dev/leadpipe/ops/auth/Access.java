package dev.leadpipe.ops.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * The rule of one route: open to anyone, or a credential with one of {@code roles} (an operator always passes), and
 * when {@code offerScoped} the {@code {offerId}} path parameter's publisher must be in the credential's scope.
 */
public record Access(boolean open, Set<Role> roles, boolean offerScoped) {
    public Access {
        roles = Set.copyOf(roles);
    }

    /** No credential needed (health probes, the status page's shell). */
    public static Access anyone() {
        return new Access(true, Set.of(), false);
    }

    /** A credential with {@code role} (or operator), for any path. */
    public static Access role(Role role) {
        return new Access(false, EnumSet.of(role), false);
    }

    /** A credential with {@code role} (or operator) whose scope holds the publisher of the path's {@code {offerId}}. */
    public static Access offer(Role role) {
        return new Access(false, EnumSet.of(role), true);
    }

    /** Whether {@code principal} has one of the roles. */
    boolean allows(Principal principal) {
        for (Role r : roles) {
            if (principal.has(r)) {
                return true;
            }
        }
        return principal.has(Role.OPERATOR);
    }
}
