package dev.leadpipe.ops.auth;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

import io.javalin.http.Context;

/**
 * Who a request comes from, once its credential was checked: a subject for logs (an API key's id, a token's
 * {@code sub}; never the credential itself), its roles, and the publisher ids it may act for (empty: every publisher).
 * An {@link Role#OPERATOR} has every role and every publisher.
 */
public record Principal(String subject, Set<Role> roles, Set<String> publishers) {
    private static final String ATTRIBUTE = "leadpipe.principal";

    public Principal {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        publishers = Set.copyOf(new TreeSet<>(publishers));
    }

    /** Whether it has {@code role} (an operator has every role). */
    public boolean has(Role role) {
        return roles.contains(Role.OPERATOR) || roles.contains(role);
    }

    /** Whether it may act for every publisher: an operator, or a credential scoped to none. */
    public boolean unscoped() {
        return roles.contains(Role.OPERATOR) || publishers.isEmpty();
    }

    /** Whether it may act for {@code publisherId}. */
    public boolean mayActForPublisher(String publisherId) {
        return unscoped() || (publisherId != null && publishers.contains(publisherId));
    }

    /** Whether it may act for the offer {@code publisherId.offerId} (an offer id without a publisher: unscoped only). */
    public boolean mayActForOffer(String offerId) {
        return unscoped() || mayActForPublisher(publisherOf(offerId));
    }

    /** The publisher part of an offer id ({@code contoso} of {@code contoso.crm-offer}), or null when it has none. */
    public static String publisherOf(String offerId) {
        if (offerId == null) {
            return null;
        }
        int dot = offerId.indexOf('.');
        return dot <= 0 ? null : offerId.substring(0, dot);
    }

    /** The principal {@link RouteTable} attached to the request, or null on an open route. */
    public static Principal of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
