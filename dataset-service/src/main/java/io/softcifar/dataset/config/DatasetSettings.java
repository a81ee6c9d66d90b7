package io.softcifar.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code softcifar.dataset.*}: staging, concurrency and shard size of imports. */
@ConfigMapping(prefix = "softcifar.dataset")
public interface DatasetSettings {

    /** Imports are staged here (one folder per import, deleted afterwards); downloads are cached under it. */
    Path workDir();

    /** Imports that run at the same time; more requests wait in line. */
    @WithDefault("1")
    int concurrentImports();

    /** Images per shard file. */
    @WithDefault("5000")
    int shardSize();

    /**
     * How long {@code POST /api/datasets} waits for the import before answering 202 Accepted: a small import
     * (the 10k CIFAR-10H set from a local folder takes seconds) is answered with its outcome directly.
     */
    @WithDefault("PT20S")
    java.time.Duration answerWithin();

    /**
     * Local folders a request may read ({@code sources.dir}, {@code sources.<input>.path}): a path is accepted only
     * if, after normalization and resolving every symbolic link, it lies under one of them. None (the default): no
     * local imports at all. {@code ./softcifar up --import-root DIR} sets it; {@code demo} adds its {@code --data}.
     */
    Optional<List<Path>> importRoots();

    /** Hosts a URL source may name (exact, case-insensitive); every address they resolve to must be public. */
    @WithDefault("www.cs.toronto.edu,ufldl.stanford.edu,github.com,raw.githubusercontent.com")
    List<String> urlHosts();

    /** A download that is (or announces itself as) larger is refused. Official files: 170 MB at most. */
    @WithDefault("536870912")
    long maxDownloadBytes();

    /** Wall time a download may take, redirects and body included. */
    @WithDefault("PT15M")
    Duration downloadTimeout();

    /** Redirects followed per download; each target is checked again (scheme, host, addresses). */
    @WithDefault("3")
    int maxRedirects();

    /** Entries of a tar archive (official CIFAR archives: under 10). */
    @WithDefault("1000")
    int maxArchiveEntries();

    /** Total uncompressed size of a tar archive's files (official CIFAR archives: about 185 MB). */
    @WithDefault("1073741824")
    long maxArchiveBytes();

    /**
     * Test-only: lets URL sources name loopback hosts (http, any port, outside the host list) so tests can serve
     * files on 127.0.0.1. The prod profile refuses to start with it.
     */
    @WithDefault("false")
    boolean allowLoopbackUrlsForTests();

    /** Consumer group of the dataset-requests consumer. */
    @WithDefault("dataset-service")
    String consumerGroup();
}
