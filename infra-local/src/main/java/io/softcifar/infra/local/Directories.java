package io.softcifar.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data directories of the embedded servers: a temporary one that is removed on close, or a kept one. */
final class Directories {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories() {}

    static Path createTemp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new InfrastructureException(
                    "Cannot create a temporary directory for " + prefix + ": " + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    static Path createKept(Path dir, String what) {
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new InfrastructureException(
                    "Cannot create the " + what + " data directory " + dir + ": "
                            + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    /**
     * Deletes {@code dir} and everything below it. Failures are logged, not thrown: this runs while shutting down,
     * where a leftover temporary file must not hide the result of the tests.
     */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete temporary directory {}: {}", dir, InfrastructureException.rootMessage(e));
        }
    }
}
