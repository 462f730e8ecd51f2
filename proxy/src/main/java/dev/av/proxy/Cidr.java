package dev.av.proxy;

import dev.av.core.AvException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 address range, {@code 127.0.0.0/8} or {@code fd00::/8}. Immutable. */
public record Cidr(byte[] network, int prefix, String text) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !(addr.contains(":") || addr.matches("[0-9.]+"))) {
            throw AvException.badRequest("not a CIDR range: \"" + text + "\"");
        }
        try {
            byte[] bytes = InetAddress.getByName(addr).getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw AvException.badRequest("CIDR prefix out of range: \"" + text + "\"");
            }
            return new Cidr(bytes, prefix, t);
        } catch (UnknownHostException | NumberFormatException e) {
            throw AvException.badRequest("not a CIDR range: \"" + text + "\"");
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
