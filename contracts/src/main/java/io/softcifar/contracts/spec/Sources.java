package io.softcifar.contracts.spec;

import io.softcifar.contracts.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the dataset service finds its input files. Three routes, tried in this order for each input (see
 * {@link #candidates}): an explicit {@link SourceRef}; the file under its standard name in {@code dir}; the official
 * download, only if {@code download} is true (fetching from the internet is never implicit).
 *
 * <p>Source locations do not enter the dataset id (see {@link DatasetSpec#canonicalJson()}): the same spec read from a
 * mirror or a local folder is the same dataset; the input checksums recorded in the manifest tell them apart.
 *
 * @param dir      a local folder holding inputs under their {@link DatasetInput#fileName() standard names}
 *                 (test_batch.bin, cifar10h-probs.npy, cifar10h-counts.npy, batches.meta.txt, cifar-10-binary.tar.gz,
 *                 test_32x32.mat, cifar-100-binary.tar.gz); missing files are reported when the dataset is built
 * @param download explicit permission to fetch the {@link OfficialSources official URLs}
 */
public record Sources(
        @Nullable String dir,
        boolean download,
        @Nullable SourceRef cifar10Test,
        @Nullable SourceRef cifar10Archive,
        @Nullable SourceRef cifar10hProbs,
        @Nullable SourceRef cifar10hCounts,
        @Nullable SourceRef svhnTest,
        @Nullable SourceRef cifar100Archive) {

    /** No route at all: every required input is reported missing by validation. */
    public static final Sources NONE = new Sources(null, false, null, null, null, null, null, null);

    /** Everything from one local folder. */
    public static Sources fromDir(String dir) {
        return new Sources(dir, false, null, null, null, null, null, null);
    }

    /** Everything from the official URLs. */
    public static Sources officialDownloads() {
        return new Sources(null, true, null, null, null, null, null, null);
    }

    /** This with the explicit source of one input replaced. */
    public Sources with(DatasetInput input, SourceRef ref) {
        return new Sources(
                dir,
                download,
                input == DatasetInput.CIFAR10_TEST ? ref : cifar10Test,
                input == DatasetInput.CIFAR10_ARCHIVE ? ref : cifar10Archive,
                input == DatasetInput.CIFAR10H_PROBS ? ref : cifar10hProbs,
                input == DatasetInput.CIFAR10H_COUNTS ? ref : cifar10hCounts,
                input == DatasetInput.SVHN_TEST ? ref : svhnTest,
                input == DatasetInput.CIFAR100_ARCHIVE ? ref : cifar100Archive);
    }

    /** The explicit source of an input, or null. */
    public @Nullable SourceRef ref(DatasetInput input) {
        return switch (input) {
            case CIFAR10_TEST -> cifar10Test;
            case CIFAR10_ARCHIVE -> cifar10Archive;
            case CIFAR10H_PROBS -> cifar10hProbs;
            case CIFAR10H_COUNTS -> cifar10hCounts;
            case SVHN_TEST -> svhnTest;
            case CIFAR100_ARCHIVE -> cifar100Archive;
        };
    }

    /**
     * The ways to obtain an input, best first: the explicit ref, then {@code dir/<standard name>}, then the official
     * download if allowed. The dataset service uses the first that exists; empty means the input cannot be had.
     */
    public List<SourceRef> candidates(DatasetInput input) {
        List<SourceRef> result = new ArrayList<>(3);
        SourceRef explicit = ref(input);
        if (explicit != null) {
            result.add(explicit);
        }
        if (dir != null && !dir.isBlank()) {
            String base = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
            result.add(SourceRef.ofPath(base + "/" + input.fileName()));
        }
        if (download) {
            input.official().ifPresent(result::add);
        }
        return List.copyOf(result);
    }

    void validate(String prefix, Problems problems) {
        if (dir != null) {
            problems.check(!dir.isBlank(), prefix + ".dir", "must not be blank (leave it out instead)");
        }
        for (DatasetInput input : DatasetInput.values()) {
            SourceRef ref = ref(input);
            if (ref != null) {
                ref.validate(prefix + "." + input.property(), problems);
            }
        }
    }
}
