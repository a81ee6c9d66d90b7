package io.softcifar.contracts.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.util.Sha256;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What dataset to build: which protocol, from which files, split how, for which seeds. Null fields mean the default
 * ({@link #withDefaults()}); {@link #validate()} reports every problem at once.
 *
 * @param protocol         {@value #PROTOCOL_SPLIT} (PROTOCOL.md: split the 10,000 CIFAR-10H images) or
 *                         {@value #PROTOCOL_PETERSON} (train on all of them, test on the 50,000 CIFAR-10 training images)
 * @param sources          where the input files are
 * @param splitRatios      default {@link SplitRatios#PROTOCOL} (0.8/0.05/0.15), or {@link SplitRatios#PETERSON}
 * @param seeds            one split (and normalization) per seed; default [0]; distinct, ≥ 0, at most
 *                         {@link Limits#MAX_SEEDS} of them, each at most {@link Limits#MAX_SEED}
 * @param labelVariants    training targets to store: subset of soft, hard; default both (evaluation labels are always
 *                         stored: the argmax of the soft label)
 * @param entropyThreshold soft labels with lower entropy (natural log) are replaced by their hard label when the
 *                         dataset is built; null = none. (A run can apply its own threshold on top.)
 * @param oodSets          out-of-distribution sets to include: subset of svhn, cifar100; default none
 * @param limit            use only the first N of the 10,000 images (demos, tests); null = all; ≥ {@value #MIN_LIMIT}
 */
public record DatasetSpec(
        @Nullable String protocol,
        @Nullable Sources sources,
        @Nullable SplitRatios splitRatios,
        @Nullable List<Long> seeds,
        @Nullable List<String> labelVariants,
        @Nullable Double entropyThreshold,
        @Nullable List<String> oodSets,
        @Nullable Integer limit)
        implements Spec {

    public static final String PROTOCOL_SPLIT = "cifar10h-split";
    public static final String PROTOCOL_PETERSON = "peterson";
    public static final List<String> PROTOCOLS = List.of(PROTOCOL_SPLIT, PROTOCOL_PETERSON);

    public static final String LABELS_SOFT = "soft";
    public static final String LABELS_HARD = "hard";
    public static final List<String> LABEL_VARIANTS = List.of(LABELS_SOFT, LABELS_HARD);

    public static final String OOD_SVHN = "svhn";
    public static final String OOD_CIFAR100 = "cifar100";
    public static final List<String> OOD_SETS = List.of(OOD_SVHN, OOD_CIFAR100);

    /** Images with CIFAR-10H labels: the CIFAR-10 test set. */
    public static final int CIFAR10H_IMAGES = 10_000;
    /** The smallest limit whose 5 % validation split still holds an image. */
    public static final int MIN_LIMIT = 20;

    /** Lists are copied (keeping null elements, which {@link #validate()} reports) so a spec cannot change later. */
    public DatasetSpec {
        seeds = copy(seeds);
        labelVariants = copy(labelVariants);
        oodSets = copy(oodSets);
    }

    /** The protocol's dataset (80/5/15 split, seed 0, soft and hard labels, no OOD set) from these sources. */
    public static DatasetSpec protocol(Sources sources) {
        return new DatasetSpec(null, sources, null, null, null, null, null, null).withDefaults();
    }

    /** Every null field replaced by its default; set-like lists keep the request's order. */
    public DatasetSpec withDefaults() {
        String p = protocol == null ? PROTOCOL_SPLIT : protocol;
        return new DatasetSpec(
                p,
                sources == null ? Sources.NONE : sources,
                splitRatios != null
                        ? splitRatios
                        : PROTOCOL_PETERSON.equals(p) ? SplitRatios.PETERSON : SplitRatios.PROTOCOL,
                seeds == null ? List.of(0L) : seeds,
                labelVariants == null ? LABEL_VARIANTS : labelVariants,
                entropyThreshold,
                oodSets == null ? List.of() : oodSets,
                limit);
    }

    @Override
    public List<FieldError> validate() {
        DatasetSpec s = withDefaults();
        Problems problems = new Problems();
        boolean knownProtocol = problems.check(
                PROTOCOLS.contains(s.protocol),
                "protocol",
                "unknown protocol '" + s.protocol + "' (expected " + String.join(" or ", PROTOCOLS) + ")");
        s.sources.validate("sources", problems);
        checkInputsAvailable(s, problems);
        int before = problems.size();
        if (knownProtocol) {
            s.splitRatios.validate("splitRatios", PROTOCOL_PETERSON.equals(s.protocol), problems);
        }
        boolean ratiosOk = knownProtocol && problems.size() == before;
        checkSeeds(s.seeds, problems);
        checkSubset("labelVariants", "label variant", s.labelVariants, LABEL_VARIANTS, true, problems);
        if (s.entropyThreshold != null) {
            problems.check(
                    s.entropyThreshold >= 0 && Double.isFinite(s.entropyThreshold),
                    "entropyThreshold",
                    "must be >= 0 (natural log; leave it out for none), got " + s.entropyThreshold);
        }
        checkSubset("oodSets", "OOD set", s.oodSets, OOD_SETS, false, problems);
        boolean limitOk = s.limit == null
                || problems.check(
                        s.limit >= MIN_LIMIT && s.limit <= CIFAR10H_IMAGES,
                        "limit",
                        "must be between " + MIN_LIMIT + " and " + CIFAR10H_IMAGES
                                + " images (leave it out for all), got " + s.limit);
        if (ratiosOk && limitOk) {
            checkSplitsNotEmpty(s, problems);
        }
        return problems.toList();
    }

    /**
     * The inputs this spec needs. {@link DatasetInput#CIFAR10_TEST} may be satisfied by
     * {@link DatasetInput#CIFAR10_ARCHIVE} instead, which holds the same file.
     */
    public List<DatasetInput> requiredInputs() {
        DatasetSpec s = withDefaults();
        List<DatasetInput> inputs = new ArrayList<>();
        inputs.add(DatasetInput.CIFAR10_TEST);
        inputs.add(DatasetInput.CIFAR10H_PROBS);
        if (PROTOCOL_PETERSON.equals(s.protocol)) {
            inputs.add(DatasetInput.CIFAR10_ARCHIVE);
        }
        if (s.oodSets.contains(OOD_SVHN)) {
            inputs.add(DatasetInput.SVHN_TEST);
        }
        if (s.oodSets.contains(OOD_CIFAR100)) {
            inputs.add(DatasetInput.CIFAR100_ARCHIVE);
        }
        return List.copyOf(inputs);
    }

    /**
     * The spec as canonical JSON for content addressing: defaults applied, source locations left out, set-like lists
     * sorted, settings equivalent to "none" left out (entropyThreshold 0, limit 10,000), object keys sorted, no
     * whitespace. Two requests for the same dataset give the same string.
     *
     * @throws InvalidSpecException if the spec is invalid (an invalid spec has no identity)
     */
    public String canonicalJson() {
        requireValid();
        DatasetSpec s = withDefaults();
        // a threshold of 0 replaces no label, and a limit of all images limits nothing: both mean "none"
        Double threshold = s.entropyThreshold != null && s.entropyThreshold == 0 ? null : s.entropyThreshold;
        Integer limit = s.limit != null && s.limit == CIFAR10H_IMAGES ? null : s.limit;
        DatasetSpec canonical = new DatasetSpec(
                s.protocol,
                null,
                s.splitRatios,
                sorted(s.seeds),
                sorted(s.labelVariants),
                threshold,
                sorted(s.oodSets),
                limit);
        ObjectNode tree = EventCodec.json().valueToTree(canonical);
        return EventCodec.toCanonicalJson(tree);
    }

    /** SHA-256 (lower-case hex) of the UTF-8 {@link #canonicalJson()}. */
    public String canonicalSha256() {
        return Sha256.hex(canonicalJson());
    }

    private static void checkInputsAvailable(DatasetSpec s, Problems problems) {
        for (DatasetInput input : s.requiredInputs()) {
            boolean available = !s.sources.candidates(input).isEmpty()
                    || (input == DatasetInput.CIFAR10_TEST
                            && !s.sources
                                    .candidates(DatasetInput.CIFAR10_ARCHIVE)
                                    .isEmpty());
            String official = input.official().map(r -> " from " + r.url()).orElse("");
            problems.check(
                    available,
                    "sources." + input.property(),
                    "no source for " + input.fileName()
                            + ": give a path or url, set sources.dir to a folder holding it, or set sources.download to true"
                            + (official.isEmpty()
                                    ? " (it is taken from " + DatasetInput.CIFAR10_ARCHIVE.fileName() + ")"
                                    : " to fetch it" + official));
        }
    }

    private static void checkSeeds(List<Long> seeds, Problems problems) {
        if (!problems.check(!seeds.isEmpty(), "seeds", "must list at least one seed (leave it out for [0])")
                || !problems.check(
                        seeds.size() <= Limits.MAX_SEEDS,
                        "seeds",
                        Limits.atMost(Limits.MAX_SEEDS, "seeds", seeds.size()))) {
            return;
        }
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < seeds.size(); i++) {
            Long seed = seeds.get(i);
            String field = "seeds[" + i + "]";
            if (problems.check(seed != null, field, "must not be null")
                    && problems.check(seed >= 0, field, "must be >= 0, got " + seed)
                    && problems.check(seed <= Limits.MAX_SEED, field, Limits.atMost(Limits.MAX_SEED, seed))) {
                problems.check(seen.add(seed), field, "duplicate seed " + seed);
            }
        }
    }

    private static void checkSubset(
            String field, String what, List<String> values, List<String> allowed, boolean nonEmpty, Problems problems) {
        if (nonEmpty
                && !problems.check(
                        !values.isEmpty(),
                        field,
                        "must list at least one of " + String.join(", ", allowed) + " (leave it out for all)")) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String element = field + "[" + i + "]";
            if (problems.check(
                    allowed.contains(value),
                    element,
                    "unknown " + what + " '" + value + "' (expected " + String.join(" or ", allowed) + ")")) {
                problems.check(seen.add(value), element, "duplicate " + what + " '" + value + "'");
            }
        }
    }

    /** Ratios that are fine on their own can still leave a split empty for a small image count. */
    private static void checkSplitsNotEmpty(DatasetSpec s, Problems problems) {
        int images = s.limit == null ? CIFAR10H_IMAGES : s.limit;
        int[] sizes = s.splitRatios.sizes(images);
        boolean testNeeded = PROTOCOL_SPLIT.equals(s.protocol);
        problems.check(
                sizes[0] > 0 && sizes[1] > 0 && (sizes[2] > 0 || !testNeeded),
                s.limit == null ? "splitRatios" : "limit",
                images + " images are too few for split ratios " + Problems.fmt(s.splitRatios.train()) + "/"
                        + Problems.fmt(s.splitRatios.validation()) + "/" + Problems.fmt(s.splitRatios.test())
                        + " (sizes " + sizes[0] + "/" + sizes[1] + "/" + sizes[2]
                        + " for train/validation/test; every split must hold an image)");
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static <T extends Comparable<T>> List<T> sorted(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.sort(copy);
        return copy;
    }
}
