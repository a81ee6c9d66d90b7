package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.OfficialSources;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.ml.data.InvalidDataException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which URLs a dataset source may name, checked before any request and again for every redirect target.
 *
 * <ul>
 *   <li>https only, on its default port, without user info — except the exact official URLs
 *       ({@link OfficialSources}) with their pinned checksum, which lets SVHN's plain-http URL through;
 *   <li>the host must be on the allow-list ({@code softcifar.dataset.url-hosts});
 *   <li>every address the host resolves to must be public: loopback, private (RFC 1918, IPv6 unique-local),
 *       link-local, multicast, unspecified, carrier-grade NAT, documentation and reserved ranges are refused, also
 *       when an IPv6 address embeds one (IPv4-mapped, IPv4-compatible, NAT64, 6to4) — see {@link #nonPublic}.
 * </ul>
 * The test-only switch {@code allowLoopbackForTests} admits loopback hosts (any scheme port, http) and nothing else.
 *
 * <p>Residual: the addresses are checked, then the HTTP client resolves the host again; the JVM's address cache
 * (30 s by default) normally returns the same answer, but a DNS server that changes its answer between the two
 * lookups after the cache expires is not ruled out.
 */
public final class UrlPolicy {

    private final Set<String> hosts;
    private final boolean allowLoopbackForTests;

    public UrlPolicy(Collection<String> hosts, boolean allowLoopbackForTests) {
        this.hosts = hosts.stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.allowLoopbackForTests = allowLoopbackForTests;
    }

    boolean allowsLoopbackForTests() {
        return allowLoopbackForTests;
    }

    /**
     * Checks a URL without looking anything up: scheme, user info, port, host allow-list, and the checksum an
     * http URL must carry.
     *
     * @param md5    declared MD5 (may be null)
     * @param sha256 declared SHA-256 (may be null)
     * @return the parsed URI
     */
    URI check(String field, String url, String md5, String sha256) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidDataException(field + ": " + url + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new InvalidDataException(
                    field + ": " + url + " is not an https URL (only https downloads are" + " allowed)");
        }
        if (host == null || uri.getRawUserInfo() != null) {
            throw new InvalidDataException(
                    field + ": " + url + " has no plain host name (user info and" + " host-less URLs are refused)");
        }
        boolean testLoopback = allowLoopbackForTests && isLoopbackName(host);
        if (scheme.equals("http") && !testLoopback && !officialWithPinnedChecksum(url, md5, sha256)) {
            throw new InvalidDataException(field + ": " + url + " is plain http; only https URLs are allowed"
                    + " (plain http only for the official SVHN URL with its pinned md5)");
        }
        if (!testLoopback && !hosts.contains(host)) {
            throw new InvalidDataException(field + ": host " + host + " of " + url + " is not on the allow-list"
                    + " (softcifar.dataset.url-hosts)");
        }
        if (!testLoopback && uri.getPort() != -1 && uri.getPort() != (scheme.equals("https") ? 443 : 80)) {
            throw new InvalidDataException(field + ": " + url + " names port " + uri.getPort() + " (only the"
                    + " scheme's default port is allowed)");
        }
        return uri;
    }

    /**
     * Resolves the host and refuses it if any of its addresses is not public.
     *
     * @throws InvalidDataException naming the host and the offending address
     */
    void checkAddresses(String field, URI uri) {
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidDataException(field + ": cannot resolve host " + host + " of " + uri);
        }
        for (InetAddress a : addresses) {
            if (allowLoopbackForTests && a.isLoopbackAddress()) {
                continue;
            }
            String why = nonPublic(a);
            if (why != null) {
                throw new InvalidDataException(field + ": host " + host + " of " + uri + " resolves to "
                        + a.getHostAddress() + ", a " + why + " address (downloads may reach public addresses only)");
            }
        }
    }

    private static boolean officialWithPinnedChecksum(String url, String md5, String sha256) {
        if (!OfficialSources.isOfficialUrl(url)) {
            return false;
        }
        for (SourceRef ref : officialRefs()) {
            if (ref.url().equals(url)) {
                boolean md5Ok = Checksums.isSet(ref.md5()) && ref.md5().equalsIgnoreCase(strip(md5));
                boolean shaOk = Checksums.isSet(ref.sha256()) && ref.sha256().equalsIgnoreCase(strip(sha256));
                boolean noOther = (!Checksums.isSet(md5) || md5Ok || !Checksums.isSet(ref.md5()))
                        && (!Checksums.isSet(sha256) || shaOk || !Checksums.isSet(ref.sha256()));
                return (md5Ok || shaOk) && noOther;
            }
        }
        return false;
    }

    private static List<SourceRef> officialRefs() {
        return List.of(
                OfficialSources.CIFAR10_ARCHIVE,
                OfficialSources.CIFAR100_ARCHIVE,
                OfficialSources.SVHN_TEST,
                OfficialSources.CIFAR10H_PROBS,
                OfficialSources.CIFAR10H_COUNTS);
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    private static boolean isLoopbackName(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false; // only literals: no lookup here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Why {@code a} is not a public unicast address ("loopback", "private", …), or null if it is public. */
    static String nonPublic(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return nonPublicV4(b);
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xFF;
            if ((first & 0xFE) == 0xFC) {
                return "private"; // fc00::/7 unique local
            }
            if (first == 0xFE && (b[1] & 0xC0) == 0xC0) {
                return "private"; // fec0::/10 site local (deprecated)
            }
            if (allZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
                return embedded(b, 12); // ::ffff:a.b.c.d
            }
            if (allZero(b, 0, 12)) {
                return "reserved"; // ::a.b.c.d (IPv4-compatible, deprecated) and ::/96
            }
            if (prefix(b, 0x00, 0x64, 0xFF, 0x9B) && allZero(b, 4, 12)) {
                return embedded(b, 12); // 64:ff9b::/96 NAT64
            }
            if (first == 0x20 && (b[1] & 0xFF) == 0x02) {
                return embedded(b, 2); // 2002::/16 6to4
            }
            if (prefix(b, 0x20, 0x01, 0x0D, 0xB8)) {
                return "documentation";
            }
            if (prefix(b, 0x20, 0x01, 0x00, 0x00)) {
                return "reserved"; // Teredo tunnels to arbitrary IPv4 hosts
            }
            if (first == 0x01 && allZero(b, 1, 8)) {
                return "reserved"; // 100::/64 discard
            }
        }
        return null;
    }

    private static String embedded(byte[] b, int offset) {
        return nonPublicV4(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
    }

    private static String nonPublicV4(byte[] b) {
        int a0 = b[0] & 0xFF;
        int a1 = b[1] & 0xFF;
        int a2 = b[2] & 0xFF;
        if (a0 == 0) {
            return "unspecified";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xF0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 100 && (a1 & 0xC0) == 64) {
            return "private"; // 100.64.0.0/10 carrier-grade NAT
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (a0 >= 240) {
            return "reserved"; // 240.0.0.0/4 and 255.255.255.255
        }
        if ((a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2))
                || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return a2 == 0 ? "reserved" : "documentation";
        }
        if (a0 == 198 && (a1 & 0xFE) == 18) {
            return "reserved"; // 198.18.0.0/15 benchmarking
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean prefix(byte[] b, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if ((b[i] & 0xFF) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
