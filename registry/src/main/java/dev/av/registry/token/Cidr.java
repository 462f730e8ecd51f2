package dev.av.registry.token;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** CIDR blocks (IPv4 and IPv6) for {@code bound_cidrs}. A bare address means a single host. */
public final class Cidr {

    private Cidr() {
    }

    public static boolean isValid(String cidr) {
        try {
            parse(cidr);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code address} (a literal IP) lies in {@code cidr}. Unparseable input never matches. */
    public static boolean contains(String cidr, String address) {
        try {
            Block b = parse(cidr);
            byte[] a = literal(address);
            if (a.length != b.net.length) {
                return false;
            }
            return mask(a, b.bits).equals(mask(b.net, b.bits));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record Block(byte[] net, int bits) {
    }

    private static Block parse(String cidr) {
        if (cidr == null || cidr.isBlank() || cidr.length() > 64) {
            throw new IllegalArgumentException("empty");
        }
        String[] parts = cidr.trim().split("/", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("bad");
        }
        byte[] net = literal(parts[0]);
        int bits = net.length * 8;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix");
            }
            if (bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("bad prefix");
            }
        }
        return new Block(net, bits);
    }

    private static byte[] literal(String s) {
        if (s == null || s.isEmpty() || !s.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal");
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal");
        }
    }

    private static BigInteger mask(byte[] addr, int bits) {
        BigInteger v = new BigInteger(1, addr);
        int total = addr.length * 8;
        return v.shiftRight(total - bits);
    }
}
