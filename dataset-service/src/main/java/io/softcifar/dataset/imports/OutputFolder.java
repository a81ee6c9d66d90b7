package io.softcifar.dataset.imports;

import io.softcifar.contracts.util.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder a build writes into: it must be absent or empty before, and is left as it was found when the build
 * fails (removed if the build created it, else emptied).
 */
final class OutputFolder {

    /** The builder's category: these lines belong to a build. */
    private static final Logger LOG = LoggerFactory.getLogger(DatasetBuilder.class);

    private final Path dir;
    private final boolean created;

    private OutputFolder(Path dir, boolean created) {
        this.dir = dir;
        this.created = created;
    }

    /**
     * Creates {@code dir} if absent.
     *
     * @throws IllegalArgumentException naming {@code outputDir} when it is not a folder or not empty
     */
    static OutputFolder prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("outputDir: " + dir + " is not a directory");
                }
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("outputDir: " + dir
                                + " is not empty (a build must start from an empty or absent folder)");
                    }
                }
                return new OutputFolder(dir, false);
            }
            Files.createDirectories(dir);
            return new OutputFolder(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create: " + e.getMessage(), e);
        }
    }

    /** Leaves the folder as it was found: removed if we created it, else emptied (best effort, logged). */
    void restore() {
        if (created) {
            FileTrees.deleteQuietly(dir);
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(FileTrees::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("cannot empty {}: {}", dir, e.getMessage());
        }
    }
}
