package io.softcifar.contracts.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.softcifar.contracts.Nullable;
import java.util.List;

/**
 * The configurations of a study: the cartesian product of every list given (a list left out means the run default,
 * see {@code RunSpec}). Names are the RunSpec field names, in the plural for the three lists that define the
 * reference table's rows.
 *
 * <p>Values a configuration ignores collapse: {@code dropoutRates} only vary method {@code dropout}, {@code mixAlpha}
 * and {@code mixProbability} only runs with mixing. Two grid points that give the same run configuration are one
 * configuration (the same run ids).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grid(
        @Nullable List<String> methods,
        @Nullable List<String> labelModes,
        @Nullable List<String> mixing,
        @Nullable List<Double> dropoutRates,
        @Nullable List<Boolean> augment,
        @Nullable List<Double> mixAlpha,
        @Nullable List<Double> mixProbability,
        @Nullable List<Integer> depth,
        @Nullable List<Integer> epochs,
        @Nullable List<Integer> batchSize,
        @Nullable List<Double> learningRate,
        @Nullable List<Double> momentum,
        @Nullable List<Double> weightDecay,
        @Nullable List<Integer> warmupEpochs,
        @Nullable List<Double> gamma,
        @Nullable List<Double> entropyThreshold) {}
