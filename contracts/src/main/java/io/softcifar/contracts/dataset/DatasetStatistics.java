package io.softcifar.contracts.dataset;

import java.util.List;

/**
 * Facts about the labels of all CIFAR-10H images used (after {@code limit}), independent of seed: they let a reader
 * check a dataset against the published figures (1,000 images per class, mean entropy 0.1545, 56.07 % uncertain,
 * 99.21 % agreement for the full set).
 *
 * @param images                images used
 * @param officialClassCounts   images per official CIFAR-10 label
 * @param hardClassCounts       images per hard label (argmax of the soft label)
 * @param meanEntropy           mean entropy of the soft labels, natural log, before any entropy threshold
 * @param fractionUncertain     fraction of images whose soft label's largest probability is below 1
 * @param agreementWithOfficial fraction of images whose hard label equals the official label
 */
public record DatasetStatistics(
        int images,
        List<Integer> officialClassCounts,
        List<Integer> hardClassCounts,
        double meanEntropy,
        double fractionUncertain,
        double agreementWithOfficial) {

    public DatasetStatistics {
        officialClassCounts = officialClassCounts == null ? null : List.copyOf(officialClassCounts);
        hardClassCounts = hardClassCounts == null ? null : List.copyOf(hardClassCounts);
    }
}
