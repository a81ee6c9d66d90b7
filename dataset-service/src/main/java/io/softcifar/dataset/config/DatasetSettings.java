package io.softcifar.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

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

    /** Consumer group of the dataset-requests consumer. */
    @WithDefault("dataset-service")
    String consumerGroup();
}
