package io.softcifar.ml.data.shard;

import java.nio.file.Path;

/**
 * What {@link ShardWriter} wrote: the file, its SHA-256 (64 lower-case hex digits), its size in bytes and the number of
 * images in it — the values a manifest lists for the shard.
 */
public record ShardInfo(Path file, String sha256, long bytes, int count) {}
