package io.softcifar.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bounds of a run spec and a dataset spec: each one refused alone with a message naming the field and the bound
 * (the numbers are the documented limits of docs/security.md, written out here, not read from {@link Limits}), and
 * the paper's settings at their largest (ResNet-110, 230 epochs) accepted.
 */
class LimitsTest {

    private static RunSpec.Builder basicSoft() {
        return RunSpec.builder("ds-1", "basic", "soft");
    }

    static Stream<Arguments> runSpecsOverABound() {
        return Stream.of(
                Arguments.of((UnaryOperator<RunSpec.Builder>) b -> b.epochs(5000), "epochs: at most 1000, got 5000"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.epochs(1_000_000_000),
                        "epochs: at most 1000, got 1000000000"),
                Arguments.of((UnaryOperator<RunSpec.Builder>) b -> b.depth(116), "depth: at most 110, got 116"),
                Arguments.of((UnaryOperator<RunSpec.Builder>) b -> b.depth(1000), "depth: at most 110, got 1000"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.batchSize(4097), "batchSize: at most 4096, got 4097"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.seed(2_147_483_648L),
                        "seed: at most 2147483647, got 2147483648"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.warmupEpochs(1001),
                        "warmupEpochs: at most 1000, got 1001"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.checkpointEvery(1001),
                        "checkpointEvery: at most 1000, got 1001"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.milestones(List.of(50, 100_000)),
                        "milestones[1]: at most 1000, got 100000"),
                Arguments.of(
                        (UnaryOperator<RunSpec.Builder>) b -> b.milestones(
                                IntStream.rangeClosed(1, 65).boxed().toList()),
                        "milestones: at most 64 milestones, got 65"));
    }

    @ParameterizedTest
    @MethodSource("runSpecsOverABound")
    void aRunSpecOverABoundIsRefusedNamingTheFieldAndTheBound(UnaryOperator<RunSpec.Builder> change, String error) {
        assertThat(change.apply(basicSoft()).build().validate())
                .extracting(FieldError::toString)
                .containsExactly(error);
    }

    @Test
    void thePapersSettingsAtTheirLargestAreWithinTheBounds() {
        assertThat(basicSoft().depth(110).epochs(230).build().validate()).isEmpty();
        assertThat(basicSoft()
                        .depth(110)
                        .epochs(1000)
                        .batchSize(4096)
                        .seed(2_147_483_647L)
                        .warmupEpochs(1000)
                        .checkpointEvery(1000)
                        .milestones(IntStream.rangeClosed(937, 1000).boxed().toList())
                        .build()
                        .validate())
                .isEmpty();
    }

    @Test
    void theBodyLimitInBytesIsTheConfiguredSize() {
        // Quarkus's MemorySize reads "256K" as 256 × 1024 bytes
        assertThat(Limits.MAX_BODY_SIZE).isEqualTo("256K");
        assertThat(Limits.MAX_BODY_BYTES).isEqualTo(262_144);
    }

    private static DatasetSpec withSeeds(List<Long> seeds) {
        return new DatasetSpec(null, Sources.fromDir("/data"), null, seeds, null, null, null, null);
    }

    @Test
    void aDatasetSpecHasAtMostTwentySeedsEachAnInt() {
        assertThat(withSeeds(IntStream.range(0, 20).mapToObj(i -> (long) i).toList())
                        .validate())
                .isEmpty();
        assertThat(withSeeds(IntStream.range(0, 21).mapToObj(i -> (long) i).toList())
                        .validate())
                .extracting(FieldError::toString)
                .containsExactly("seeds: at most 20 seeds, got 21");
        assertThat(withSeeds(List.of(0L, 2_147_483_648L)).validate())
                .extracting(FieldError::toString)
                .containsExactly("seeds[1]: at most 2147483647, got 2147483648");
        // refused by its length before any element is looked at: one error, not 100,000 duplicates
        assertThat(withSeeds(Collections.nCopies(100_000, 1L)).validate())
                .extracting(FieldError::toString)
                .containsExactly("seeds: at most 20 seeds, got 100000");
    }
}
