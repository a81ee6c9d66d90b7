package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.ml.data.Cifar100Binary;
import io.softcifar.ml.data.Cifar10Binary;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SyntheticData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small generated input files in the official layouts, for the import tests. */
final class ImportFixtures {

    private ImportFixtures() {}

    /**
     * The source policy of the unit tests: local files under the temp folder (where {@code @TempDir} lives) and
     * {@code extraRoots}, the official hosts, and loopback URLs (the tests' own HTTP server).
     */
    static SourcePolicy testPolicy(Path... extraRoots) {
        List<Path> roots = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.io.tmpdir"))));
        roots.addAll(List.of(extraRoots));
        SourcePolicy official = SourcePolicy.of(roots);
        return new SourcePolicy(
                official.roots(),
                new UrlPolicy(SourcePolicy.OFFICIAL_HOSTS, true),
                official.maxDownloadBytes(),
                official.downloadTimeout(),
                official.maxRedirects(),
                official.archives());
    }

    /** A resolver with {@link #testPolicy}. */
    static SourceResolver resolver(Path cacheDir, Path... extraRoots) {
        return new SourceResolver(cacheDir, testPolicy(extraRoots));
    }

    /** A CIFAR-10H-like folder: test_batch.bin, cifar10h-probs.npy, batches.meta.txt with {@code n} images. */
    static Path folder(Path dir, int n, long seed) {
        return SyntheticData.writeCifar10hFolder(dir, n, seed);
    }

    /** The spec of protocol cifar10h-split from {@code dir}, with the given seeds, everything else default. */
    static DatasetSpec spec(Path dir, Long... seeds) {
        return new DatasetSpec(null, Sources.fromDir(dir.toString()), null, List.of(seeds), null, null, null, null);
    }

    static DatasetSpec withLimit(DatasetSpec s, Integer limit) {
        return new DatasetSpec(
                s.protocol(),
                s.sources(),
                s.splitRatios(),
                s.seeds(),
                s.labelVariants(),
                s.entropyThreshold(),
                s.oodSets(),
                limit);
    }

    static DatasetSpec withThreshold(DatasetSpec s, Double threshold) {
        return new DatasetSpec(
                s.protocol(),
                s.sources(),
                s.splitRatios(),
                s.seeds(),
                s.labelVariants(),
                threshold,
                s.oodSets(),
                s.limit());
    }

    static DatasetSpec withOod(DatasetSpec s, String... sets) {
        return new DatasetSpec(
                s.protocol(),
                s.sources(),
                s.splitRatios(),
                s.seeds(),
                s.labelVariants(),
                s.entropyThreshold(),
                List.of(sets),
                s.limit());
    }

    static DatasetSpec withProtocol(DatasetSpec s, String protocol) {
        return new DatasetSpec(
                protocol,
                s.sources(),
                s.splitRatios(),
                s.seeds(),
                s.labelVariants(),
                s.entropyThreshold(),
                s.oodSets(),
                s.limit());
    }

    static DatasetSpec withSources(DatasetSpec s, Sources sources) {
        return new DatasetSpec(
                s.protocol(),
                sources,
                s.splitRatios(),
                s.seeds(),
                s.labelVariants(),
                s.entropyThreshold(),
                s.oodSets(),
                s.limit());
    }

    static Sources dirWith(Path dir, String property, SourceRef ref) {
        Sources s = Sources.fromDir(dir.toString());
        return s.with(
                java.util.Arrays.stream(io.softcifar.contracts.spec.DatasetInput.values())
                        .filter(i -> i.property().equals(property))
                        .findFirst()
                        .orElseThrow(),
                ref);
    }

    /**
     * A {@code cifar-10-binary.tar.gz} laid out like the official one: {@code cifar-10-batches-bin/} with five training
     * batches of {@code perBatch} images (labels = generating class), {@code test_batch.bin} (the given images) and
     * {@code batches.meta.txt}.
     */
    static LabeledImages cifar10Archive(Path archive, int perBatch, LabeledImages test, Path scratch)
            throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put(
                "cifar-10-batches-bin/batches.meta.txt",
                (String.join("\n", io.softcifar.ml.data.Cifar10hFolder.CIFAR10_CLASS_NAMES) + "\n").getBytes());
        LabeledImages[] batches = new LabeledImages[5];
        for (int b = 0; b < 5; b++) {
            batches[b] = SyntheticData.images(perBatch, 100 + b);
            Path f = scratch.resolve("data_batch_" + (b + 1) + ".bin");
            Cifar10Binary.write(f, batches[b]);
            members.put("cifar-10-batches-bin/data_batch_" + (b + 1) + ".bin", Files.readAllBytes(f));
        }
        Path t = scratch.resolve("test_batch.bin");
        Cifar10Binary.write(t, test);
        members.put("cifar-10-batches-bin/test_batch.bin", Files.readAllBytes(t));
        members.put("cifar-10-batches-bin/readme.html", "<html></html>".getBytes());
        writeTarGz(archive, "cifar-10-batches-bin/", members);
        return LabeledImages.concat(batches);
    }

    /** A {@code cifar-100-binary.tar.gz} with {@code cifar-100-binary/test.bin} of {@code m} images. */
    static LabeledImages cifar100Archive(Path archive, int m, Path scratch) throws IOException {
        LabeledImages images = SyntheticData.cifar100LikeImages(m, 55);
        Path f = scratch.resolve("test.bin");
        Cifar100Binary.write(f, images);
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("cifar-100-binary/fine_label_names.txt", "apple\n".getBytes());
        members.put("cifar-100-binary/test.bin", Files.readAllBytes(f));
        writeTarGz(archive, "cifar-100-binary/", members);
        return images;
    }

    private static void writeTarGz(Path archive, String folder, Map<String, byte[]> members) throws IOException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(archive);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.putArchiveEntry(new TarArchiveEntry(folder));
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
    }

    /** Keeps the first {@code fraction} of the file's bytes. */
    static void truncate(Path file, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, (int) (b.length * fraction)));
    }

    /** Copies every regular file of {@code from} into {@code to}. */
    static Path copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    /** Whether {@code dir} is absent or an empty folder. */
    static boolean absentOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
