package dev.leadpipe.core.destination;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The addresses a destination may not be reached at unless allow-listed ({@link AllowedHosts}): what a server of
 * leadpipe can reach but a publisher's destination never is. Refused are loopback (127/8, ::1), private (10/8,
 * 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address 169.254.169.254,
 * fe80::/10, and fd00:ec2::254), carrier-grade NAT (100.64/10), multicast (224/4, ff00::/8) and unspecified or
 * "this network" (0/8, ::) addresses, and an IPv6 address embedding any of those IPv4 ones (IPv4-mapped
 * {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} and 6to4
 * {@code 2002:AABB:CCDD::}).
 */
public final class RefusedAddresses {
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[0-9A-Za-z]+)?");

    private RefusedAddresses() {}

    /**
     * What kind of refused address this is ("a private address", "a link-local address (the cloud metadata
     * address)"), or empty when a destination may be reached at it.
     */
    public static Optional<String> kind(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isMetadataV6(b)) {
                return Optional.of("a link-local address (the cloud metadata address)");
            }
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                return ipv4Kind(embedded).map(k -> k + " embedded in an IPv6 address");
            }
            if (address.isLoopbackAddress()) {
                return Optional.of("a loopback address");
            }
            if (address.isAnyLocalAddress()) {
                return Optional.of("an unspecified address");
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a private address");
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
                return Optional.of("a link-local address");
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return Optional.of("a private address"); // deprecated site-local fec0::/10
            }
            if ((b[0] & 0xff) == 0xff) {
                return Optional.of("a multicast address");
            }
            return Optional.empty();
        }
        return ipv4Kind(b);
    }

    private static Optional<String> ipv4Kind(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 127) {
            return Optional.of("a loopback address");
        }
        if (a0 == 0) {
            return Optional.of("an unspecified address");
        }
        if (a0 == 10 || a0 == 172 && a1 >= 16 && a1 <= 31 || a0 == 192 && a1 == 168) {
            return Optional.of("a private address");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of(
                    (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254
                            ? "a link-local address (the cloud metadata address)"
                            : "a link-local address");
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return Optional.of("a carrier-grade NAT address");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("a multicast address");
        }
        if (a0 == 255 && a1 == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
            return Optional.of("a broadcast address");
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), or null. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 15) && !isV6Loopback(b);
        boolean nat64 = (b[0] & 0xff) == 0x00
                && (b[1] & 0xff) == 0x64
                && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 11);
        if (mapped || compatible || nat64) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    private static boolean isMetadataV6(byte[] b) {
        // fd00:ec2::254
        return (b[0] & 0xff) == 0xfd
                && b[1] == 0
                && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2
                && allZero(b, 4, 13)
                && (b[14] & 0xff) == 0x02
                && (b[15] & 0xff) == 0x54;
    }

    private static boolean isV6Loopback(byte[] b) {
        return allZero(b, 0, 14) && b[15] == 1;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address a host written as an IP literal ({@code 10.0.0.5}, {@code ::1}, {@code [::1]}) stands for, read
     * without any lookup; null for a host name.
     */
    public static InetAddress literal(String host) {
        if (host == null) {
            return null;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPV4_LITERAL.matcher(h).matches() && !IPV6_LITERAL.matcher(h).matches()) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(h);
            return address instanceof Inet4Address || address instanceof Inet6Address ? address : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
