package io.softcifar.ml.data.shard;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A shard to read and the SHA-256 it must have (from the dataset manifest; 64 hex digits, either case).
 */
public record ShardFile(Path file, String sha256) {

    public ShardFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }
}
