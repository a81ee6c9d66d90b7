package io.softcifar.contracts.spec;

import java.util.Optional;

/**
 * The input files a dataset can be built from: the property of {@link Sources} that points at each, and its standard
 * file name (the name it has in {@link Sources#dir()} and in the official distribution).
 */
public enum DatasetInput {
    /** The 10,000 CIFAR-10 test images in the official binary layout (also inside {@link #CIFAR10_ARCHIVE}). */
    CIFAR10_TEST("cifar10Test", "test_batch.bin"),
    /** The official CIFAR-10 binary archive: the test images and, for protocol peterson, the 50,000 training images. */
    CIFAR10_ARCHIVE("cifar10Archive", "cifar-10-binary.tar.gz"),
    /** CIFAR-10H soft labels, float64 (10000, 10). */
    CIFAR10H_PROBS("cifar10hProbs", "cifar10h-probs.npy"),
    /** CIFAR-10H annotator counts, int64 (10000, 10); optional, used for statistics only. */
    CIFAR10H_COUNTS("cifar10hCounts", "cifar10h-counts.npy"),
    /** SVHN cropped digits, test split (OOD set "svhn"). */
    SVHN_TEST("svhnTest", "test_32x32.mat"),
    /** The official CIFAR-100 binary archive; its test images are OOD set "cifar100". */
    CIFAR100_ARCHIVE("cifar100Archive", "cifar-100-binary.tar.gz");

    private final String property;
    private final String fileName;

    DatasetInput(String property, String fileName) {
        this.property = property;
        this.fileName = fileName;
    }

    /** The JSON property of {@link Sources} holding this input's {@link SourceRef}, e.g. "cifar10hProbs". */
    public String property() {
        return property;
    }

    /** The standard file name, e.g. "cifar10h-probs.npy". */
    public String fileName() {
        return fileName;
    }

    /** The official download (URL and checksum), empty for {@link #CIFAR10_TEST}, which ships inside the archive. */
    public Optional<SourceRef> official() {
        return OfficialSources.of(this);
    }
}
