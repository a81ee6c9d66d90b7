package io.softcifar.dataset.imports;

import io.softcifar.contracts.util.FileTrees;
import io.softcifar.ml.data.Cifar100Binary;
import io.softcifar.ml.data.Cifar10Binary;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the binary versions of the official CIFAR archives ({@code cifar-10-binary.tar.gz}: folder
 * {@code cifar-10-batches-bin/} with {@code data_batch_1.bin} … {@code data_batch_5.bin} and {@code test_batch.bin};
 * {@code cifar-100-binary.tar.gz}: folder {@code cifar-100-binary/} with {@code train.bin} and {@code test.bin}) with
 * commons-compress. Members are matched by file name at any depth, copied to a scratch folder and parsed by the
 * ml-core readers; errors about a member name it as {@code <archive>!<member>}.
 *
 * <p>Every archive is held to {@link ArchiveLimits} (entries, total uncompressed bytes, and the decompressed stream
 * itself, so a gzip bomb stops at the cap) and must hold only folders and regular files with relative names that do
 * not climb out ({@code ..}): links (symbolic or hard), device files and FIFOs are refused, even though only the
 * named members are ever copied (to scratch files of our own naming). {@link #inspect} checks exactly this without
 * extracting anything.
 */
final class CifarArchives {

    private static final Logger LOG = LoggerFactory.getLogger(CifarArchives.class);

    static final List<String> CIFAR10_TRAIN_MEMBERS =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final String CIFAR10_TEST_MEMBER = "test_batch.bin";
    static final String CIFAR100_TEST_MEMBER = "test.bin";

    private CifarArchives() {}

    /** The 50,000 CIFAR-10 training images (the five batches concatenated in order, official labels). */
    static LabeledImages cifar10Train(String field, Path archive, Path scratch, ArchiveLimits limits) {
        return read(
                field, archive, scratch, CIFAR10_TRAIN_MEMBERS, Cifar10Binary::read, "cifar-10-binary.tar.gz", limits);
    }

    /**
     * Extracts the CIFAR-10 test images ({@code test_batch.bin}) of the archive to {@code target} (written next to it
     * and moved into place, so {@code target} is complete or absent); returns the member's name in the archive.
     */
    static String extractCifar10Test(String field, Path archive, Path target, ArchiveLimits limits) {
        Path dir = target.toAbsolutePath().getParent();
        Map<String, Path> extracted =
                extract(field, archive, dir, List.of(CIFAR10_TEST_MEMBER), "cifar-10-binary.tar.gz", limits);
        Map.Entry<String, Path> e = extracted.entrySet().iterator().next();
        try {
            Files.move(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            FileTrees.deleteQuietly(e.getValue());
            throw new UncheckedIOException(target + ": cannot write: " + ex.getMessage(), ex);
        }
        return e.getKey();
    }

    /** The 10,000 CIFAR-100 test images ({@code test.bin}; fine labels). */
    static LabeledImages cifar100Test(String field, Path archive, Path scratch, ArchiveLimits limits) {
        return read(
                field,
                archive,
                scratch,
                List.of(CIFAR100_TEST_MEMBER),
                Cifar100Binary::read,
                "cifar-100-binary.tar.gz",
                limits);
    }

    /**
     * Reads the whole archive once, extracting nothing, and refuses it if it breaks {@code limits}, holds an entry
     * that is not a folder or regular file, or names one outside its own tree, or lacks {@code members}.
     */
    static void inspect(
            String field, Path archive, List<String> members, String expectedArchive, ArchiveLimits limits) {
        Map<String, Path> none = extract(field, archive, null, members, expectedArchive, limits);
        none.values().forEach(FileTrees::deleteQuietly);
    }

    private static LabeledImages read(
            String field,
            Path archive,
            Path scratch,
            List<String> members,
            Function<Path, LabeledImages> reader,
            String expectedArchive,
            ArchiveLimits limits) {
        Map<String, Path> extracted = extract(field, archive, scratch, members, expectedArchive, limits);
        List<LabeledImages> parts = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : extracted.entrySet()) {
                try {
                    parts.add(reader.apply(e.getValue()));
                } catch (InvalidDataException ex) {
                    throw new InvalidDataException(
                            field + ": " + ex.getMessage().replace(e.getValue().toString(), archive + "!" + e.getKey()),
                            ex);
                }
            }
        } finally {
            extracted.values().forEach(FileTrees::deleteQuietly);
        }
        return parts.size() == 1 ? parts.get(0) : LabeledImages.concat(parts.toArray(LabeledImages[]::new));
    }

    /**
     * Copies the members (by file name) to {@code scratch} (null: only checks that they are there); returns member
     * path in archive order of {@code names}.
     */
    private static Map<String, Path> extract(
            String field,
            Path archive,
            Path scratch,
            List<String> names,
            String expectedArchive,
            ArchiveLimits limits) {
        if (!Files.isRegularFile(archive)) {
            throw new InvalidDataException(field + ": " + archive + " not found");
        }
        Map<String, Path> found = new LinkedHashMap<>();
        Map<String, String> memberNames = new LinkedHashMap<>();
        LOG.info("{}: reading {} from {}", field, String.join(", ", names), archive);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(raw);
                InputStream gz = new CappedInputStream(
                        gzip,
                        limits.maxStreamBytes(),
                        () -> refused(
                                field,
                                archive,
                                "decompresses to more than " + limits.maxStreamBytes()
                                        + " bytes (softcifar.dataset.max-archive-bytes " + limits.maxBytes() + ")"));
                TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            if (scratch != null) {
                Files.createDirectories(scratch);
            }
            int entries = 0;
            long total = 0;
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (++entries > limits.maxEntries()) {
                    throw refused(
                            field,
                            archive,
                            "has more than " + limits.maxEntries()
                                    + " entries (softcifar.dataset.max-archive-entries)");
                }
                checkEntry(field, archive, e);
                if (!e.isFile()) {
                    continue;
                }
                total += e.getSize();
                if (total > limits.maxBytes()) {
                    throw refused(
                            field,
                            archive,
                            "holds more than " + limits.maxBytes()
                                    + " bytes of files (softcifar.dataset.max-archive-bytes)");
                }
                String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                if (names.contains(base) && !found.containsKey(base)) {
                    memberNames.put(base, e.getName());
                    if (scratch == null) {
                        found.put(base, null);
                        continue;
                    }
                    Path out = Files.createTempFile(scratch, base, ".extracted");
                    found.put(base, out);
                    long copied = Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if (copied != e.getSize()) {
                        throw new IOException(e.getName() + " holds " + copied + " of " + e.getSize() + " bytes");
                    }
                }
            }
            // read to the end so a truncated or corrupt gzip stream is noticed even after the last member we need
            gz.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (InvalidDataException e) {
            found.values().forEach(FileTrees::deleteQuietly);
            throw e;
        } catch (IOException e) {
            found.values().forEach(FileTrees::deleteQuietly);
            if (e instanceof java.nio.file.FileSystemException) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            throw new InvalidDataException(
                    field + ": " + archive + " is truncated or corrupt (" + message(e) + "); delete it and download "
                            + expectedArchive + " again",
                    e);
        }
        List<String> missing = names.stream().filter(n -> !found.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            found.values().forEach(FileTrees::deleteQuietly);
            throw new InvalidDataException(field + ": " + archive + " has no " + String.join(", ", missing)
                    + " (expected the binary version, " + expectedArchive + ")");
        }
        Map<String, Path> ordered = new LinkedHashMap<>();
        for (String n : names) {
            ordered.put(memberNames.get(n), found.get(n));
        }
        return ordered;
    }

    /** Only folders and regular files, with relative names that stay inside the archive's tree. */
    private static void checkEntry(String field, Path archive, TarArchiveEntry e) {
        String name = e.getName();
        if (e.isSymbolicLink() || e.isLink()) {
            throw refused(
                    field,
                    archive,
                    "entry '" + name + "' is a " + (e.isSymbolicLink() ? "symbolic" : "hard")
                            + " link (links are refused)");
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            throw refused(field, archive, "entry '" + name + "' is a device file or FIFO (refused)");
        }
        if (!e.isFile() && !e.isDirectory()) {
            throw refused(field, archive, "entry '" + name + "' is neither a folder nor a regular file (refused)");
        }
        String slashes = name.replace('\\', '/');
        boolean absolute = slashes.startsWith("/") || slashes.matches("^[A-Za-z]:.*");
        boolean climbs = java.util.Arrays.asList(slashes.split("/")).contains("..");
        if (absolute || climbs) {
            throw refused(
                    field,
                    archive,
                    "entry '" + name + "' has " + (absolute ? "an absolute" : "a '..'")
                            + " path (path traversal is refused)");
        }
    }

    private static InvalidDataException refused(String field, Path archive, String problem) {
        return new InvalidDataException(field + ": " + archive + " " + problem);
    }

    /** A stream that throws {@code tooLong} once more than {@code max} bytes were read from it. */
    private static final class CappedInputStream extends java.io.FilterInputStream {
        private final long max;
        private final java.util.function.Supplier<InvalidDataException> tooLong;
        private long count;

        CappedInputStream(InputStream in, long max, java.util.function.Supplier<InvalidDataException> tooLong) {
            super(in);
            this.max = max;
            this.tooLong = tooLong;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            add(s);
            return s;
        }

        private void add(long n) {
            count += n;
            if (count > max) {
                throw tooLong.get();
            }
        }
    }

    private static String message(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
