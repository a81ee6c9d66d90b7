package io.softcifar.contracts.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void aTreeWithNestedFoldersAndReadOnlyEntriesIsGoneAndALinkedTargetOutsideStays(@TempDir Path dir)
            throws IOException {
        Path root = dir.resolve("staging");
        Path deep = Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("top.txt"), "top");
        Files.writeString(deep.resolve("deep.bin"), "deep");
        Path readOnly = Files.writeString(root.resolve("a/read-only.txt"), "keep out");
        assertThat(readOnly.toFile().setWritable(false, false)).isTrue();
        Path lockedDir = Files.createDirectories(root.resolve("a/locked"));
        Files.writeString(lockedDir.resolve("inside.txt"), "x");
        assertThat(lockedDir.toFile().setWritable(false, false)).isTrue();
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not mine");
        Files.createSymbolicLink(root.resolve("a/b/link"), outside);
        Files.createSymbolicLink(root.resolve("dir-link"), dir);

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(dir).isDirectory();
        assertThat(outside).hasContent("not mine"); // the link went, not what it pointed to
    }

    @Test
    void aSingleFileIsDeletedAndAMissingPathIsNothingToDo(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "f");
        FileTrees.delete(file);
        assertThat(file).doesNotExist();
        FileTrees.delete(dir.resolve("never-was"));
        assertThat(FileTrees.deleteQuietly(dir.resolve("never-was/either"))).isTrue();
        assertThat(FileTrees.deleteQuietly(null)).isTrue();
    }

    @Test
    void quietDeletionReportsWhetherTheTreeIsGone(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("x/y"));
        Files.writeString(root.resolve("z"), "z");
        assertThat(FileTrees.deleteQuietly(dir.resolve("x"))).isTrue();
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
