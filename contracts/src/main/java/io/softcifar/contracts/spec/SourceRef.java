package io.softcifar.contracts.spec;

import io.softcifar.contracts.Nullable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where one input file comes from: a local {@code path} or a download {@code url}, never both. A download must carry
 * a checksum ({@code md5} or {@code sha256}) because the dataset is content-addressed: an unverified file would give
 * the same dataset id to different data. A local path may carry one too; then it is checked as well.
 *
 * @param path   a file readable by the dataset service
 * @param url    https (plain http only to 127.0.0.1/localhost, for tests, or for an {@link OfficialSources} URL
 *               that is only served over http, whose checksum is then the protection)
 * @param md5    32 hex digits
 * @param sha256 64 hex digits
 */
public record SourceRef(
        @Nullable String path,
        @Nullable String url,
        @Nullable String md5,
        @Nullable String sha256) {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    public static SourceRef ofPath(String path) {
        return new SourceRef(path, null, null, null);
    }

    public static SourceRef ofUrlMd5(String url, String md5) {
        return new SourceRef(null, url, md5, null);
    }

    public static SourceRef ofUrlSha256(String url, String sha256) {
        return new SourceRef(null, url, null, sha256);
    }

    /** Lower-case checksums, so equal refs compare and hash equal whatever case the request used. */
    public SourceRef {
        md5 = md5 == null ? null : md5.toLowerCase(Locale.ROOT);
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    }

    void validate(String prefix, Problems problems) {
        boolean hasPath = path != null;
        boolean hasUrl = url != null;
        if (hasPath == hasUrl) {
            problems.add(prefix, hasPath ? "give either path or url, not both" : "give a path or a url");
        }
        if (hasPath) {
            problems.check(!path.isBlank(), prefix + ".path", "must not be blank");
        }
        if (hasUrl) {
            checkUrl(prefix + ".url", problems);
            problems.check(
                    md5 != null || sha256 != null,
                    prefix + ".url",
                    "a download needs md5 or sha256 so the file can be verified, got none for '" + url + "'");
        }
        checkHex(prefix + ".md5", md5, 32, problems);
        checkHex(prefix + ".sha256", sha256, 64, problems);
    }

    private void checkUrl(String field, Problems problems) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            problems.add(field, "not a valid URL: '" + url + "' (" + e.getReason() + ")");
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problems.add(field, "must be an https URL with a host, got '" + url + "'");
        } else if (scheme.equals("http")
                && !LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))
                && !OfficialSources.isOfficialUrl(url)) {
            problems.add(field, "must be https (plain http only for 127.0.0.1 or localhost), got '" + url + "'");
        }
    }

    private static void checkHex(String field, String value, int digits, Problems problems) {
        if (value != null && (value.length() != digits || !HEX.matcher(value).matches())) {
            problems.add(
                    field,
                    "must be " + digits + " hex digits, got '" + value + "' (" + value.length() + " characters)");
        }
    }
}
