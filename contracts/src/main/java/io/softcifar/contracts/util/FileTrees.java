package io.softcifar.contracts.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deleting a folder and everything below it (staging, scratch and run folders), the one place that does it. Symbolic
 * links are deleted, never followed. Read-only files and folders are made writable and deleted.
 */
public final class FileTrees {

    private static final System.Logger LOG = System.getLogger(FileTrees.class.getName());

    private FileTrees() {}

    /**
     * Deletes {@code root} (a folder or a file) and everything below it; nothing to do when it does not exist. Every
     * entry is tried even after a failure.
     *
     * @throws IOException the first entry that could not be deleted, the others suppressed in it
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Deleter deleter = new Deleter();
        Files.walkFileTree(root, deleter);
        if (deleter.failure != null) {
            throw deleter.failure;
        }
    }

    /**
     * {@link #delete}, best effort: a tree that cannot be deleted fully is logged as a warning, not thrown; null is
     * nothing to do.
     *
     * @return true when {@code root} is gone
     */
    public static boolean deleteQuietly(Path root) {
        if (root == null) {
            return true;
        }
        try {
            delete(root);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete {0}: {1}", root, e.toString());
            return false;
        }
    }

    private static final class Deleter extends SimpleFileVisitor<Path> {
        private IOException failure;

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            if (!Files.isWritable(dir)) {
                dir.toFile().setWritable(true); // else its entries cannot be removed
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            remove(file);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!(e instanceof NoSuchFileException)) {
                record(e);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (e != null) {
                record(e);
            }
            remove(dir);
            return FileVisitResult.CONTINUE;
        }

        private void remove(Path path) {
            try {
                Files.deleteIfExists(path);
            } catch (AccessDeniedException denied) {
                // a read-only file (on Windows that forbids deleting it): allow writing and try again
                try {
                    path.toFile().setWritable(true);
                    Files.deleteIfExists(path);
                } catch (IOException again) {
                    record(again);
                }
            } catch (IOException e) {
                record(e);
            }
        }

        private void record(IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }
}
