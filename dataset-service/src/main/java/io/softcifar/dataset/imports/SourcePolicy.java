package io.softcifar.dataset.imports;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that bounds where a dataset's sources may come from and how large they may be: the local import roots,
 * the URL rules, the download caps and the archive limits ({@code softcifar.dataset.*}).
 */
public record SourcePolicy(
        ImportRoots roots,
        UrlPolicy urls,
        long maxDownloadBytes,
        Duration downloadTimeout,
        int maxRedirects,
        ArchiveLimits archives) {

    /** The official download hosts (CIFAR-10H's GitHub URLs redirect to raw.githubusercontent.com). */
    public static final List<String> OFFICIAL_HOSTS =
            List.of("www.cs.toronto.edu", "ufldl.stanford.edu", "github.com", "raw.githubusercontent.com");

    public SourcePolicy {
        Objects.requireNonNull(roots, "roots");
        Objects.requireNonNull(urls, "urls");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        Objects.requireNonNull(archives, "archives");
        if (maxDownloadBytes < 1 || maxRedirects < 0 || downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("download limits must be positive");
        }
    }

    /** Local files under {@code roots} only, the official hosts, 512 MiB and 15 minutes per download, 3 redirects. */
    public static SourcePolicy of(List<java.nio.file.Path> roots) {
        return new SourcePolicy(
                new ImportRoots(roots),
                new UrlPolicy(OFFICIAL_HOSTS, false),
                512L << 20,
                Duration.ofMinutes(15),
                3,
                ArchiveLimits.DEFAULT);
    }

    /**
     * Refuses the test-only loopback switch in the prod profile: that profile must never fetch from this host.
     *
     * @throws IllegalStateException naming the setting
     */
    public static void requireAllowedInProfile(List<String> activeProfiles, boolean allowLoopbackUrlsForTests) {
        if (allowLoopbackUrlsForTests && activeProfiles.contains("prod")) {
            throw new IllegalStateException("softcifar.dataset.allow-loopback-urls-for-tests=true is a test-only"
                    + " setting and the prod profile refuses to start with it; remove it"
                    + " (SOFTCIFAR_DATASET_ALLOW_LOOPBACK_URLS_FOR_TESTS)");
        }
    }
}
