package dev.leadpipe.core.destination;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The destination allow-list ({@value DestinationAddresses#ALLOWED_HOSTS_ENV}): host names, IP addresses and CIDR
 * ranges a destination may be reached at although {@link RefusedAddresses} refuses their addresses, and at which plain
 * http is allowed. A host name matches itself only (case-insensitive, no wildcards, never resolved); an address or a
 * range matches a host written as such an address, and every address a host name resolves to. Immutable.
 */
public final class AllowedHosts {
    /** The empty list: nothing is allowed beyond the public internet over https. */
    public static final AllowedHosts NONE = new AllowedHosts(List.of(), List.of());

    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
    private static final Pattern ADDRESS = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final List<String> names;
    private final List<Range> ranges;

    private AllowedHosts(List<String> names, List<Range> ranges) {
        this.names = List.copyOf(names);
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Reads a comma-separated list such as {@code 127.0.0.1,localhost,10.1.0.0/16}; blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the first entry that is neither a host name, an address nor a range
     */
    public static AllowedHosts parse(String list) {
        List<String> names = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        for (String raw : list == null ? new String[0] : list.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String unbracketed =
                    entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
            int slash = unbracketed.indexOf('/');
            String address = slash < 0 ? unbracketed : unbracketed.substring(0, slash);
            if (ADDRESS.matcher(address).matches() && (address.contains(":") || address.split("\\.").length == 4)) {
                ranges.add(Range.parse(entry, address, slash < 0 ? null : unbracketed.substring(slash + 1)));
            } else if (slash < 0 && HOST_NAME.matcher(entry).matches()) {
                names.add(entry.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException(
                        "'" + entry + "' is neither a host name, an IP address nor a CIDR range");
            }
        }
        return names.isEmpty() && ranges.isEmpty() ? NONE : new AllowedHosts(names, ranges);
    }

    /** Whether the host, as written in a URL (a name, or an address, IPv6 in brackets or not), is listed. */
    public boolean allowsHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (names.contains(h.toLowerCase(Locale.ROOT))) {
            return true;
        }
        InetAddress literal = RefusedAddresses.literal(h);
        return literal != null && allowsAddress(literal);
    }

    /** Whether the address lies in a listed address or range. */
    public boolean allowsAddress(InetAddress address) {
        return ranges.stream().anyMatch(r -> r.contains(address));
    }

    public boolean isEmpty() {
        return names.isEmpty() && ranges.isEmpty();
    }

    /** The list as it is read: entries comma-separated, names lower case; {@code none} when empty. */
    @Override
    public String toString() {
        List<String> all = new ArrayList<>(names);
        ranges.forEach(r -> all.add(r.text));
        return all.isEmpty() ? "none" : String.join(",", all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowedHosts other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** An address and the number of leading bits that must match. */
    private record Range(String text, byte[] network, int bits) {
        static Range parse(String text, String address, String prefix) {
            InetAddress parsed = RefusedAddresses.literal(address);
            if (parsed == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address");
            }
            byte[] bytes = parsed.getAddress();
            int bits = bytes.length * 8;
            if (prefix != null) {
                try {
                    bits = Integer.parseInt(prefix);
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException(
                            "'" + text + "' has a prefix length outside 0-" + bytes.length * 8);
                }
            }
            return new Range(text, bytes, bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((candidate[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
