package dev.leadpipe.core;

import java.net.InetAddress;

/** Host checks shared by configuration validation and the destination clients. */
public final class Hosts {
    private Hosts() {}

    /**
     * Whether the host is this machine's loopback ({@code localhost}, {@code 127.x}, {@code ::1}): the only hosts a
     * destination may be reached at over plain http (local stand-ins). Never resolves a name: {@code 127.evil.example}
     * is not one.
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
