package io.softcifar.results.compare;

import java.util.List;

/**
 * One pair of configurations that differ only in the label mode, with the paired soft − hard difference of every
 * metric (see {@link PairedDifference}).
 *
 * @param label       the configuration without its label mode, e.g. "sngp"
 * @param softKey     the soft-label configuration
 * @param hardKey     the hard-label configuration
 * @param differences one per metric, in the comparison's metric order
 */
public record SoftVsHard(String label, String softKey, String hardKey, List<PairedDifference> differences) {}
