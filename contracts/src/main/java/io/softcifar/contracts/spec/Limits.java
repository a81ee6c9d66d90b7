package io.softcifar.contracts.spec;

/**
 * The bounds of every request, in one place: what a study, a run spec or a dataset spec may ask for at most. A
 * request beyond a bound is refused before anything is stored or published (HTTP 400 naming the field and the bound,
 * e.g. {@code epochs: at most 1000, got 5000}), and a Kafka event that carries such a spec is rejected as poison by
 * the same {@link Spec#validate()}. The values are generous: the paper study (PROTOCOL.md: 30 configurations × 5
 * seeds = 150 runs, 230 epochs, ResNet-20, batch 64) and its variants (ResNet-110, twice the epochs, 20 seeds) fit
 * with room to spare; what they stop is a typo or a hostile request that would occupy the trainers for years or
 * make a service allocate without end. docs/security.md ("Bounded requests") gives the reasoning for each.
 */
public final class Limits {

    /** Seeds per study and per dataset spec: the paper uses 5; 20 gives a standard error 2× smaller than 5 seeds. */
    public static final int MAX_SEEDS = 20;

    /** The largest seed value: 2^31 − 1, so a seed is an int for every RNG it feeds and a short run-id suffix. */
    public static final long MAX_SEED = Integer.MAX_VALUE;

    /** Epochs per run (also the bound of warmupEpochs, milestones and checkpointEvery): the paper trains 230. */
    public static final int MAX_EPOCHS = 1000;

    /** ResNet depth 6n+2 at most 110 (n = 18), the deepest CIFAR ResNet of He et al.'s table the protocol names. */
    public static final int MAX_DEPTH = 110;

    /** Batch size: 4096 is half the 8,000-image train split; the paper uses 64. */
    public static final int MAX_BATCH_SIZE = 4096;

    /** Learning-rate milestones per run: the paper has 6. */
    public static final int MAX_MILESTONES = 64;

    /** Configurations per study: the paper grid has 30. */
    public static final int MAX_CONFIGURATIONS = 512;

    /**
     * Runs per study (configurations × seeds), even with {@code "allowLarge": true}: 2,560 = 512 configurations × 5
     * seeds or 128 × 20, 17× the paper study's 150 runs.
     */
    public static final int MAX_RUNS = 2_560;

    /**
     * The request body every service accepts at most ({@code quarkus.http.limits.max-body-size} in each service's
     * application.properties, which cannot read this constant): a paper-preset study is about 200 bytes, a grid at
     * every bound a few KB, so 256 KiB is room for any study and still bounds what a request can make a service
     * parse. A larger body is answered with 413.
     */
    public static final String MAX_BODY_SIZE = "256K";

    /** {@link #MAX_BODY_SIZE} in bytes (Quarkus reads "K" as 1024), for clients that check before they send. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private Limits() {}

    /** "at most 1000, got 5000": the message of every bound, so all of them read the same. */
    public static String atMost(long bound, Object got) {
        return "at most " + bound + ", got " + got;
    }

    /** "at most 20 seeds, got 500": {@link #atMost(long, Object)} for a count of something. */
    public static String atMost(long bound, String what, Object got) {
        return "at most " + bound + " " + what + ", got " + got;
    }
}
