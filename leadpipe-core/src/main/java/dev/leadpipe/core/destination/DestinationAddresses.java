package dev.leadpipe.core.destination;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.leadpipe.core.config.Setting;

/**
 * The one rule for where a destination may be reached (server-side request forgery protection), applied by ingest
 * when a configuration is saved ({@link DestinationValidator}) and by every sink before each delivery: every URL a
 * destination's settings name ({@link DestinationSpec#targets}) is refused when
 * <ul>
 *   <li>it is plain http and its host is not allow-listed, or</li>
 *   <li>its host is not allow-listed by name and any address it resolves to (all of them, IPv4 and IPv6) is one
 *       {@link RefusedAddresses} refuses (loopback, private, link-local and cloud metadata, CGNAT, multicast,
 *       unspecified) and is not allow-listed.</li>
 * </ul>
 * The allow-list is {@value #ALLOWED_HOSTS_ENV} ({@link #ALLOWED_HOSTS}, default empty; the local run and the tests
 * list {@code 127.0.0.1,localhost} for their stand-ins). A host that does not resolve is not refused here: nothing
 * can be sent to it, and the client's own failure (an unknown storage account, a connection failure) tells the
 * publisher. Problems name the setting's kind of address and the address, never a URL (which may be secret).
 *
 * <p>Known limit: the check resolves the host, and the client resolves it again when it connects; a name whose answer
 * changes in between (DNS rebinding) is not caught. Over https the client then still verifies the destination's
 * certificate against the host name, which a private service does not hold.
 *
 * @param allowed  the allow-list
 * @param resolver how host names are resolved (the system's resolver; tests give their own answers)
 */
public record DestinationAddresses(AllowedHosts allowed, HostResolver resolver) {
    public static final String ALLOWED_HOSTS_ENV = "DESTINATION_ALLOWED_HOSTS";

    /** Looks up every address of a host name. */
    @FunctionalInterface
    public interface HostResolver {
        /** The system's resolver. */
        HostResolver SYSTEM = InetAddress::getAllByName;

        /** Every address of the host; throws when it has none. */
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** No allow-list, the system's resolver: the production default. */
    public static final DestinationAddresses STRICT = new DestinationAddresses(AllowedHosts.NONE, HostResolver.SYSTEM);

    /**
     * What the local run ({@code bin/run-local}) and the tests allow: their stand-ins (Azurite, the fake Salesforce,
     * Dataverse and HTTPS endpoints) listen on {@code 127.0.0.1} / {@code localhost}.
     */
    public static final DestinationAddresses LOCAL_STAND_INS = allowing("127.0.0.1,localhost");

    /** The allow-list setting, read by ingest and by every sink. */
    public static final Setting<DestinationAddresses> ALLOWED_HOSTS = Setting.of(
                    "allowedHosts",
                    ALLOWED_HOSTS_ENV,
                    DestinationAddresses::allowing,
                    "a comma-separated list of host names, IP addresses and CIDR ranges (e.g. 127.0.0.1,localhost)",
                    a -> true,
                    "destination hosts, addresses and CIDR ranges allowed although private, loopback or link-local,"
                            + " and over plain http")
            .shownAs(a -> a.allowed().toString())
            .defaultsTo(STRICT)
            .documentedDefault("none");

    public DestinationAddresses {
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(resolver, "resolver");
    }

    /** The allow-list read from a comma-separated list, with the system's resolver. */
    public static DestinationAddresses allowing(String list) {
        return new DestinationAddresses(AllowedHosts.parse(list), HostResolver.SYSTEM);
    }

    /** This allow-list, looking host names up with {@code other}. */
    public DestinationAddresses resolvingWith(HostResolver other) {
        return new DestinationAddresses(allowed, other);
    }

    /**
     * Why a request may not be sent to this URL, completing "the setting ..." ("resolves to a private address
     * (10.0.0.5); allow-list it with ..."), or empty when it may. Resolves the host unless it is allow-listed by name.
     */
    public Optional<String> problem(URI uri) {
        if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
            return Optional.of("is not an absolute URL with a host");
        }
        String host = uri.getHost();
        boolean plainHttp = uri.getScheme().toLowerCase(Locale.ROOT).equals("http");
        if (allowed.allowsHost(host)) {
            return Optional.empty();
        }
        InetAddress literal = RefusedAddresses.literal(host);
        InetAddress[] addresses;
        try {
            addresses = literal != null ? new InetAddress[] {literal} : resolver.resolve(host);
        } catch (UnknownHostException e) {
            return plainHttp ? Optional.of(httpProblem()) : Optional.empty();
        }
        boolean allListed = addresses.length > 0;
        for (InetAddress address : addresses) {
            boolean listed = allowed.allowsAddress(address);
            allListed &= listed;
            Optional<String> kind = listed ? Optional.empty() : RefusedAddresses.kind(address);
            if (kind.isPresent()) {
                return Optional.of((literal != null ? "is " : "resolves to ") + kind.get() + " ("
                        + address.getHostAddress() + "); allow-list it with " + ALLOWED_HOSTS_ENV
                        + " if intended");
            }
        }
        return plainHttp && !allListed ? Optional.of(httpProblem()) : Optional.empty();
    }

    /**
     * Every problem of the URLs these settings name, by setting name ({@link DestinationSpec#targets}); a setting
     * naming several URLs reports its first problem.
     */
    public Map<String, String> problems(DestinationSpec spec, Map<String, String> settings) {
        Map<String, String> problems = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (value == null || value.isBlank()) {
                return;
            }
            List<URI> targets = spec.targets(name, value.strip());
            for (URI target : targets) {
                Optional<String> problem = problem(target);
                if (problem.isPresent()) {
                    problems.put(
                            name,
                            (targets.size() > 1 || !isWholeValue(target, value) ? "names a host that " : "")
                                    + problem.get());
                    return;
                }
            }
        });
        return problems;
    }

    private static boolean isWholeValue(URI target, String value) {
        return target.toString().equals(value.strip());
    }

    private static String httpProblem() {
        return "uses plain http, which is allowed only for a host allow-listed with " + ALLOWED_HOSTS_ENV
                + ": use https";
    }

    /** The allow-list, as it is read. */
    @Override
    public String toString() {
        return "DestinationAddresses[allowed=" + allowed + "]";
    }
}
