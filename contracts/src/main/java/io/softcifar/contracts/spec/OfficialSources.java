package io.softcifar.contracts.spec;

import java.util.Map;
import java.util.Optional;

/**
 * The official download locations of every input and their published checksums, in one place. A dataset service
 * fetches these only when a request sets {@link Sources#download()}: downloading is never implicit.
 *
 * <p>CIFAR-10/100 and SVHN publish MD5 sums on their pages; CIFAR-10H publishes none, so its SHA-256 values are those
 * of the files in the official repository (github.com/jcpeterson/cifar-10h, {@code data/}).
 */
public final class OfficialSources {

    public static final SourceRef CIFAR10_ARCHIVE = SourceRef.ofUrlMd5(
            "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530");
    public static final SourceRef CIFAR100_ARCHIVE = SourceRef.ofUrlMd5(
            "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8");
    /** Served over plain http only; the MD5 check is what protects it. */
    public static final SourceRef SVHN_TEST = SourceRef.ofUrlMd5(
            "http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "eb5a983be6a315427106f1b1f3ec1b1d");

    public static final SourceRef CIFAR10H_PROBS = SourceRef.ofUrlSha256(
            "https://github.com/jcpeterson/cifar-10h/raw/master/data/cifar10h-probs.npy",
            "436ae98620e00073f9d08585ac870573b588853e7af9f54eb1647408114af77d");
    public static final SourceRef CIFAR10H_COUNTS = SourceRef.ofUrlSha256(
            "https://github.com/jcpeterson/cifar-10h/raw/master/data/cifar10h-counts.npy",
            "9b36b4550349af56c79083356312eb4af856cc5fd3caf1f669d40b9d0bbb69ff");

    private static final Map<DatasetInput, SourceRef> BY_INPUT = Map.of(
            DatasetInput.CIFAR10_ARCHIVE, CIFAR10_ARCHIVE,
            DatasetInput.CIFAR100_ARCHIVE, CIFAR100_ARCHIVE,
            DatasetInput.SVHN_TEST, SVHN_TEST,
            DatasetInput.CIFAR10H_PROBS, CIFAR10H_PROBS,
            DatasetInput.CIFAR10H_COUNTS, CIFAR10H_COUNTS);

    private OfficialSources() {}

    /** The official source of an input; empty for {@link DatasetInput#CIFAR10_TEST} (take it from the archive). */
    public static Optional<SourceRef> of(DatasetInput input) {
        return Optional.ofNullable(BY_INPUT.get(input));
    }

    /** Whether {@code url} is exactly one of the official URLs (lets SVHN's http URL through validation). */
    public static boolean isOfficialUrl(String url) {
        return BY_INPUT.values().stream().anyMatch(ref -> ref.url().equals(url));
    }
}
