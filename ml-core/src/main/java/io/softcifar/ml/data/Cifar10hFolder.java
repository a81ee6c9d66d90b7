package io.softcifar.ml.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A folder laid out like the CIFAR-10H development copy ({@code ../shared/data/cifar10h}):
 * {@code test_batch.bin} (official CIFAR-10 binary test set), {@code cifar10h-probs.npy} (N×10 float64 soft
 * labels, row i ↔ record i) and optionally {@code batches.meta.txt} (class names, one per line).
 */
public final class Cifar10hFolder {

    public static final String IMAGES_FILE = "test_batch.bin";
    public static final String PROBS_FILE = "cifar10h-probs.npy";
    public static final String CLASS_NAMES_FILE = "batches.meta.txt";

    /** The CIFAR-10 class names in label order. */
    public static final List<String> CIFAR10_CLASS_NAMES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    /** System property that points at a CIFAR-10H folder (overrides the shared development copy). */
    public static final String DATA_DIR_PROPERTY = "softcifar.data.cifar10h";

    private Cifar10hFolder() {}

    /**
     * Loads the images and soft labels of {@code dir}.
     *
     * @throws InvalidDataException e.g. {@code "<dir>/cifar10h-probs.npy: not found"}, or
     *     {@code "<dir>/cifar10h-probs.npy: 9999 rows but <dir>/test_batch.bin has 10000 images"}
     */
    public static SoftLabelDataset load(Path dir) {
        if (!Files.exists(dir)) {
            throw InvalidDataException.forFile(dir, "not found");
        }
        if (!Files.isDirectory(dir)) {
            throw InvalidDataException.forFile(dir, "is not a directory");
        }
        Path imagesFile = dir.resolve(IMAGES_FILE);
        Path probsFile = dir.resolve(PROBS_FILE);
        DataFiles.requireRegularFile(imagesFile);
        DataFiles.requireRegularFile(probsFile);
        LabeledImages images = Cifar10Binary.read(imagesFile);
        SoftLabels soft = SoftLabels.read(probsFile);
        if (soft.count() != images.count()) {
            throw InvalidDataException.forFile(
                    probsFile, soft.count() + " rows but " + imagesFile + " has " + images.count() + " images");
        }
        return new SoftLabelDataset(images, soft);
    }

    /**
     * The class names of {@code dir}: {@code batches.meta.txt} if present (must hold 10 non-empty lines), else
     * {@link #CIFAR10_CLASS_NAMES}.
     */
    public static List<String> classNames(Path dir) {
        Path file = dir.resolve(CLASS_NAMES_FILE);
        if (!Files.exists(file)) {
            return CIFAR10_CLASS_NAMES;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.size() != SoftLabels.CIFAR10_CLASSES) {
            throw InvalidDataException.forFile(file, lines.size() + " class names (expected 10)");
        }
        return lines;
    }

    /** Writes {@code batches.meta.txt}: the names one per line, each ending with a newline. */
    public static void writeClassNames(Path dir, List<String> names) {
        DataFiles.writeAllBytes(
                dir.resolve(CLASS_NAMES_FILE), (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The development/CI copy of the real data, if present: the folder named by system property
     * {@value #DATA_DIR_PROPERTY}, else {@code ../../shared/data/cifar10h} or {@code ../shared/data/cifar10h}
     * relative to the working directory (a Maven module's directory, or the repository root). A folder counts only
     * if it holds both {@link #IMAGES_FILE} and {@link #PROBS_FILE}. Users' machines have no such copy.
     */
    public static Optional<Path> findSharedCopy() {
        String prop = System.getProperty(DATA_DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            return isComplete(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
        }
        for (String candidate : List.of("../../shared/data/cifar10h", "../shared/data/cifar10h")) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (isComplete(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(IMAGES_FILE)) && Files.isRegularFile(dir.resolve(PROBS_FILE));
    }
}
