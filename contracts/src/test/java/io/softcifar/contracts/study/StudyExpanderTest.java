package io.softcifar.contracts.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StudyExpanderTest {

    /** The protocol's configuration (PROTOCOL.md, "Training") for basic, soft labels, 1 epoch, as canonical JSON. */
    private static final String BASIC_SOFT_1_EPOCH = "{\"augment\":true,\"batchSize\":64,"
            + "\"datasetId\":\"study-dataset\",\"depth\":20,\"epochs\":1,\"gamma\":0.5,\"labelMode\":\"soft\","
            + "\"learningRate\":0.05,\"method\":\"basic\",\"milestones\":[50,100,150,190,210,230],"
            + "\"mixing\":\"none\",\"momentum\":0.9,\"warmupEpochs\":5,\"weightDecay\":5.0E-4}";
    /** SNGP, hard labels, CutMix at the reference's α = 0.2 and q = 0.15, 230 epochs, as canonical JSON. */
    private static final String SNGP_HARD_CUTMIX = "{\"augment\":true,\"batchSize\":64,"
            + "\"datasetId\":\"study-dataset\",\"depth\":20,\"epochs\":230,\"gamma\":0.5,\"labelMode\":\"hard\","
            + "\"learningRate\":0.05,\"method\":\"sngp\",\"milestones\":[50,100,150,190,210,230],"
            + "\"mixAlpha\":0.2,\"mixProbability\":0.15,\"mixing\":\"cutmix\",\"momentum\":0.9,"
            + "\"warmupEpochs\":5,\"weightDecay\":5.0E-4}";

    private final StudyExpander expander = new StudyExpander(10_000);

    private static StudyRequest request(String json) {
        return EventCodec.fromJson(json, StudyRequest.class);
    }

    private static Map<String, String> errors(StudyExpander.Result r) {
        return r.errors().stream()
                .collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a + " | " + b));
    }

    @Test
    void expandsTheGridIntoStableRunIds() {
        StudyRequest r = request("""
                {"id": "s1", "name": "two by two", "datasetId": "ds-abc",
                 "grid": {"methods": ["basic"], "labelModes": ["soft", "hard"]}, "seeds": 2,
                 "overrides": {"epochs": 1}}""");
        StudyExpander.Result result = expander.expand(r);
        assertThat(result.errors()).isEmpty();
        Expansion e = result.expansion();
        assertThat(e.configurations()).extracting(Configuration::label).containsExactly("basic, soft", "basic, hard");
        assertThat(e.runs()).hasSize(4);
        // golden ids, written down from an independent computation: the protocol's defaults with epochs 1, as the
        // canonical JSON below (sorted keys, no spaces), hashed by hand:
        //   printf '%s' '<BASIC_SOFT_1_EPOCH>' | sha256sum | cut -c1-12    ->    115395fe010f
        RunSpec soft = RunSpec.builder(StudyExpander.DATASET_PLACEHOLDER, "basic", "soft")
                .epochs(1)
                .build();
        assertThat(soft.configurationJson()).isEqualTo(BASIC_SOFT_1_EPOCH);
        assertThat(e.runs().get(0).runId()).isEqualTo("s1-basic-soft-115395fe010f-s0");
        assertThat(e.runs().get(1).runId()).isEqualTo("s1-basic-soft-115395fe010f-s1");
        assertThat(e.runs())
                .allSatisfy(run -> assertThat(ObjectKeys.isValidId(run.runId())).isTrue());
        // the spec a trainer gets: the real dataset, the seed, the overrides
        RunSpec spec = e.runs().get(3).specFor("ds-abc");
        assertThat(spec.datasetId()).isEqualTo("ds-abc");
        assertThat(spec.seed()).isEqualTo(1L);
        assertThat(spec.labelMode()).isEqualTo("hard");
        assertThat(spec.epochs()).isEqualTo(1);
        // stable: the same request again gives the same ids
        assertThat(expander.expand(r).expansion().runs())
                .extracting(PlannedRun::runId)
                .containsExactlyElementsOf(
                        e.runs().stream().map(PlannedRun::runId).toList());
    }

    @Test
    void defaultIdIsANameSlugPlusARequestHash() {
        StudyRequest a = request("""
                {"name": "Soft vs Hard!", "datasetId": "ds-abc", "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""");
        StudyRequest b = request("""
                {"name": "Soft vs Hard!", "datasetId": "ds-abc", "grid": {"methods": ["sngp"], "labelModes": ["soft"]}}""");
        // the request without its id, canonical (sorted keys, no spaces), hashed by hand:
        //   printf '%s' '{"datasetId":"ds-abc","grid":{"labelModes":["soft"],"methods":["basic"]},'\
        //   '"name":"Soft vs Hard!"}' | sha256sum | cut -c1-8    ->    9616ed5e
        assertThat(StudyExpander.defaultStudyId(a)).isEqualTo("soft-vs-hard-9616ed5e");
        assertThat(StudyExpander.defaultStudyId(a)).isEqualTo(StudyExpander.defaultStudyId(a));
        assertThat(StudyExpander.defaultStudyId(a)).isNotEqualTo(StudyExpander.defaultStudyId(b));
    }

    @Test
    void valuesAConfigurationIgnoresCollapse() {
        StudyExpander.Result result = expander.expand(request("""
                {"name": "p", "datasetId": "ds-abc", "grid": {"methods": ["basic", "dropout"], "labelModes": ["soft"],
                 "dropoutRates": [0.1, 0.2]}}"""));
        assertThat(result.errors()).isEmpty();
        // basic ignores the rate: one basic configuration, two dropout ones
        assertThat(result.expansion().configurations())
                .extracting(Configuration::label)
                .containsExactly("basic, soft", "dropout, soft, p=0.1", "dropout, soft, p=0.2");
    }

    @Test
    void everyBadFieldIsNamed() {
        StudyExpander.Result result = expander.expand(request("""
                {"name": "bad", "datasetId": "ds-abc",
                 "grid": {"methods": ["basic", "resnet"], "labelModes": ["soft"], "mixing": ["none", "mixcut"],
                          "learningRate": [0.05, -1]},
                 "seeds": 0, "overrides": {"milestones": [10, 5], "seed": 3}}"""));
        Map<String, String> errors = errors(result);
        assertThat(errors)
                .containsKeys(
                        "grid.methods[1]",
                        "grid.mixing[1]",
                        "grid.learningRate[1]",
                        "seeds",
                        "overrides.milestones[1]",
                        "overrides.seed");
        assertThat(errors.get("grid.methods[1]")).contains("unknown method 'resnet'");
        assertThat(errors.get("grid.mixing[1]")).contains("mixcut");
        assertThat(errors.get("seeds")).contains("got 0");
        assertThat(result.expansion()).isNull();
    }

    @Test
    void mixupWithCutmixInOneRunCannotBeExpressedAndOverridesMayNotRepeatTheGrid() {
        Map<String, String> errors = errors(expander.expand(request("""
                {"name": "x", "datasetId": "ds-abc", "grid": {"methods": ["basic"], "labelModes": ["hard"],
                 "mixing": ["mixup"], "epochs": [1, 2]}, "overrides": {"epochs": 3, "mixing": "cutmix"}}""")));
        assertThat(errors).containsKeys("overrides.epochs", "overrides.mixing");
        assertThat(errors.get("overrides.mixing")).contains("also varied by grid.mixing");
    }

    @Test
    void aGridOverTheLimitNeedsAllowLarge() {
        // 2 label modes × 30 learning rates = 60 configurations × 20 seeds = 1,200 runs > 1,000 (the service default)
        StudyExpander expander = new StudyExpander(1_000);
        String rates = IntStream.rangeClosed(1, 30)
                .mapToObj(i -> String.valueOf(i / 100.0))
                .collect(Collectors.joining(", "));
        String study = """
                {"name": "big", "datasetId": "ds-abc", %s "seeds": 20, "grid": {"methods": ["basic"],
                 "labelModes": ["soft", "hard"], "learningRate": [%s]}}""";
        Map<String, String> errors = errors(expander.expand(request(study.formatted("", rates))));
        assertThat(errors.get("grid"))
                .contains("1,200 runs (60 configurations × 20 seeds)")
                .contains("allowLarge");
        StudyExpander.Result allowed = expander.expand(request(study.formatted("\"allowLarge\": true,", rates)));
        assertThat(allowed.errors()).isEmpty();
        assertThat(allowed.expansion().runs()).hasSize(1_200);
        assertThat(allowed.expansion().configurations().get(1).label()).isEqualTo("basic, soft, lr=0.02");
    }

    /** n values "1, 2, ..., n" scaled by {@code step}, for grid lists of a chosen length. */
    private static String values(int n, double step) {
        return IntStream.rangeClosed(1, n)
                .mapToObj(i -> step == 1 ? String.valueOf(i) : String.valueOf(i * step))
                .collect(Collectors.joining(", "));
    }

    static Stream<Arguments> studiesOverABound() {
        String base = "{\"name\": \"x\", \"datasetId\": \"ds-abc\", \"allowLarge\": true, ";
        String grid = "\"grid\": {\"methods\": [\"basic\"], \"labelModes\": [\"soft\", \"hard\"]";
        return Stream.of(
                Arguments.of(base + grid + "}, \"seeds\": 21}", "seeds: at most 20 seeds per study, got 21"),
                Arguments.of(
                        base + grid + "}, \"seeds\": 1000000000000000000000}",
                        "seeds: at most 20 seeds per study, got 1000000000000000000000"),
                Arguments.of(
                        base + grid + "}, \"seeds\": [" + values(21, 1) + "]}",
                        "seeds: at most 20 seeds per study, got 21"),
                Arguments.of(
                        base + grid + "}, \"seeds\": [0, 2147483648]}", "seeds[1]: at most 2147483647, got 2147483648"),
                Arguments.of(
                        base + "\"grid\": {\"methods\": [\"basic\", \"dropout\", \"sngp\", \"duq\"], "
                                + "\"labelModes\": [\"soft\", \"hard\"], \"epochs\": [" + values(65, 1) + "]}}",
                        "grid: at most 512 configurations (the product of the grid's list lengths), got 520; "
                                + "split it into several studies"),
                Arguments.of(
                        base + grid + ", \"learningRate\": [" + values(513, 0.001) + "]}}",
                        "grid.learningRate: at most 512 values, got 513"),
                Arguments.of(
                        base + grid + ", \"learningRate\": [" + values(65, 0.001) + "]}, \"seeds\": 20}",
                        "grid: at most 2560 runs per study, also with allowLarge, got 2600 (130 configurations × 20 "
                                + "seeds); split it into several studies"),
                Arguments.of(
                        base + grid + "}, \"overrides\": {\"epochs\": 5000}}",
                        "overrides.epochs: at most 1000, got 5000"),
                Arguments.of(base + grid + ", \"depth\": [20, 116]}}", "grid.depth[1]: at most 110, got 116"),
                Arguments.of(
                        base + grid + ", \"batchSize\": [64, 8192]}}", "grid.batchSize[1]: at most 4096, got 8192"));
    }

    @ParameterizedTest
    @MethodSource("studiesOverABound")
    void aStudyOverABoundIsRefusedNamingTheFieldAndTheBound(String json, String error) {
        StudyExpander.Result result = new StudyExpander(1_000).expand(request(json));
        assertThat(result.errors()).extracting(FieldError::toString).containsExactly(error);
        assertThat(result.expansion()).isNull();
    }

    @Test
    void thePaperPresetFitsTheBoundsAtResNet110With20SeedsAnd230Epochs() {
        StudyExpander.Result result = new StudyExpander(1_000).expand(request("""
                {"name": "paper, deep", "preset": "paper", "datasetId": "ds-abc", "seeds": 20,
                 "overrides": {"depth": 110, "epochs": 230}}"""));
        assertThat(result.errors()).isEmpty();
        assertThat(result.expansion().runs()).hasSize(30 * 20);
    }

    @Test
    void datasetProblemsAreNamed() {
        assertThat(errors(expander.expand(request("""
                {"name": "x", "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""")))).containsKey("datasetId");
        assertThat(errors(expander.expand(request("""
                {"name": "x", "dataset": {"sources": {"dir": "/d"}, "seeds": [0]}, "seeds": 2,
                 "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""")))).containsKey("dataset.seeds");
        assertThat(errors(expander.expand(request("""
                {"name": "x", "dataset": {"sources": {"dir": "/d"}, "protocol": "nope"},
                 "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""")))).containsKey("dataset.protocol");
        assertThat(errors(expander.expand(request("""
                {"name": "x", "datasetId": "../etc", "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""")))).containsKey("datasetId");
    }

    @Test
    void seedsAreACountOrAList() {
        StudyRequest list = new StudyRequest(
                null,
                "x",
                null,
                null,
                "ds-abc",
                new Grid(
                        List.of("basic"),
                        List.of("soft"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                JsonNodeFactory.instance.arrayNode().add(3).add(7),
                null,
                null);
        assertThat(expander.expand(list).expansion().seeds()).containsExactly(3L, 7L);
        StudyRequest dup = new StudyRequest(
                null,
                "x",
                null,
                null,
                "ds-abc",
                list.grid(),
                JsonNodeFactory.instance.arrayNode().add(3).add(3),
                null,
                null);
        assertThat(errors(expander.expand(dup))).containsKey("seeds[1]");
        StudyRequest count =
                new StudyRequest(null, "x", null, null, "ds-abc", list.grid(), IntNode.valueOf(3), null, null);
        assertThat(expander.expand(count).expansion().seeds()).containsExactly(0L, 1L, 2L);
    }

    /**
     * The paper preset: the reference's 30 configurations, written down here from PROTOCOL.md ("five families —
     * basic (augmented), MC Dropout without augmentation, MC Dropout (augmented), DUQ, SNGP — × {soft, hard} × {no
     * mixing, Mixup, CutMix}") and the reference table's order, not from PaperPreset.
     */
    private static final List<List<Object>> PAPER_30 = List.of(
            List.of("basic", "soft", "none", true), List.of("basic", "hard", "none", true),
            List.of("basic", "soft", "mixup", true), List.of("basic", "hard", "mixup", true),
            List.of("basic", "soft", "cutmix", true), List.of("basic", "hard", "cutmix", true),
            List.of("dropout", "soft", "none", false), List.of("dropout", "hard", "none", false),
            List.of("dropout", "soft", "mixup", false), List.of("dropout", "hard", "mixup", false),
            List.of("dropout", "soft", "cutmix", false), List.of("dropout", "hard", "cutmix", false),
            List.of("dropout", "soft", "none", true), List.of("dropout", "hard", "none", true),
            List.of("dropout", "soft", "mixup", true), List.of("dropout", "hard", "mixup", true),
            List.of("dropout", "soft", "cutmix", true), List.of("dropout", "hard", "cutmix", true),
            List.of("duq", "soft", "none", true), List.of("duq", "hard", "none", true),
            List.of("duq", "soft", "mixup", true), List.of("duq", "hard", "mixup", true),
            List.of("duq", "soft", "cutmix", true), List.of("duq", "hard", "cutmix", true),
            List.of("sngp", "soft", "none", true), List.of("sngp", "hard", "none", true),
            List.of("sngp", "soft", "mixup", true), List.of("sngp", "hard", "mixup", true),
            List.of("sngp", "soft", "cutmix", true), List.of("sngp", "hard", "cutmix", true));

    @Test
    void paperPresetIsTheReferencesThirtyConfigurationsTimesFiveSeeds() {
        StudyExpander.Result result = expander.expand(request("""
                {"id": "paper", "name": "paper", "preset": "paper", "datasetId": "ds-abc"}"""));
        assertThat(result.errors()).isEmpty();
        Expansion e = result.expansion();
        assertThat(e.seeds()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(e.configurations()).hasSize(30);
        assertThat(e.runs()).hasSize(150);
        assertThat(e.runs().stream().map(PlannedRun::runId).distinct().count()).isEqualTo(150);
        assertThat(e.configurations())
                .extracting(c -> List.<Object>of(
                        c.spec().method(),
                        c.spec().labelMode(),
                        c.spec().mixing(),
                        c.spec().augment()))
                .containsExactlyElementsOf(PAPER_30);
        assertThat(e.configurations())
                .extracting(Configuration::label)
                .startsWith(
                        "basic, soft",
                        "basic, hard",
                        "basic, soft, Mixup",
                        "basic, hard, Mixup",
                        "basic, soft, CutMix",
                        "basic, hard, CutMix",
                        "dropout, no aug, soft",
                        "dropout, no aug, hard",
                        "dropout, no aug, soft, Mixup");
        // every row of the reference table is one of them
        List<String> table = List.of(
                "basic, soft",
                "basic, hard",
                "basic, soft, Mixup",
                "basic, hard, Mixup",
                "basic, soft, CutMix",
                "basic, hard, CutMix",
                "dropout, no aug, soft",
                "dropout, no aug, hard",
                "dropout, soft",
                "dropout, hard",
                "dropout, soft, Mixup",
                "dropout, hard, CutMix",
                "DUQ, soft",
                "DUQ, hard",
                "SNGP, soft",
                "SNGP, hard",
                "SNGP, hard, Mixup",
                "SNGP, hard, CutMix");
        assertThat(e.configurations())
                .extracting(Configuration::label)
                .containsAll(table)
                .doesNotHaveDuplicates();

        // the runs carry the reference's settings explicitly: α = 0.2, q = 0.15 when mixing, p = 0.1 for dropout
        for (PlannedRun run : e.runs()) {
            RunSpec s = run.specTemplate();
            boolean mixing = !s.mixing().equals("none");
            assertThat(s.mixAlpha()).as(run.runId()).isEqualTo(mixing ? 0.2 : null);
            assertThat(s.mixProbability()).as(run.runId()).isEqualTo(mixing ? 0.15 : null);
            assertThat(s.dropoutRate()).as(run.runId()).isEqualTo(s.method().equals("dropout") ? 0.1 : null);
            assertThat(s.withDefaults().nesterov()).isFalse();
            assertThat(s.withDefaults().epochs()).isEqualTo(230);
            assertThat(run.runId())
                    .isEqualTo("paper-" + run.configKey() + "-s" + run.seed())
                    .matches(ObjectKeys::isValidId);
        }
        // the two dropout families have different keys, and say which is which
        assertThat(e.configurations().get(6).key()).matches("dropout-soft-noaug-[0-9a-f]{12}");
        assertThat(e.configurations().get(12).key()).matches("dropout-soft-[0-9a-f]{12}");
        // a run id written out: seed 3 of "SNGP, hard, CutMix" (the 30th configuration), hashed by hand:
        //   printf '%s' '<SNGP_HARD_CUTMIX>' | sha256sum | cut -c1-12    ->    cfc0800442b3
        RunSpec sngpHardCutmix = RunSpec.builder(StudyExpander.DATASET_PLACEHOLDER, "sngp", "hard")
                .mixing("cutmix", 0.2, 0.15)
                .build();
        assertThat(sngpHardCutmix.configurationJson()).isEqualTo(SNGP_HARD_CUTMIX);
        assertThat(e.runs().get(29 * 5 + 3).runId()).isEqualTo("paper-sngp-hard-cutmix-cfc0800442b3-s3");
    }

    @Test
    void aPlanRowShowsWhatSetsARunApart() {
        Expansion e = expander.expand(request("""
                {"id": "paper", "name": "paper", "preset": "paper", "datasetId": "ds-abc", "seeds": 2}""")).expansion();
        StudyPlan plan = StudyPlan.of(e);
        assertThat(plan.runs()).hasSize(60);
        assertThat(plan.configurations()).isEqualTo(30);
        PlanRow noAugMixup = plan.runs().get(8 * 2 + 1); // 9th configuration "dropout, no aug, soft, Mixup", seed 1
        assertThat(noAugMixup)
                .extracting(
                        PlanRow::label,
                        PlanRow::method,
                        PlanRow::labelMode,
                        PlanRow::mixing,
                        PlanRow::augment,
                        PlanRow::mixAlpha,
                        PlanRow::mixProbability,
                        PlanRow::dropoutRate,
                        PlanRow::seed)
                .containsExactly("dropout, no aug, soft, Mixup", "dropout", "soft", "mixup", false, 0.2, 0.15, 0.1, 1L);
        assertThat(noAugMixup.runId())
                .startsWith("paper-dropout-soft-mixup-noaug-")
                .endsWith("-s1");
        PlanRow basicHard = plan.runs().get(1 * 2);
        assertThat(basicHard)
                .extracting(
                        PlanRow::label,
                        PlanRow::augment,
                        PlanRow::mixAlpha,
                        PlanRow::mixProbability,
                        PlanRow::dropoutRate,
                        PlanRow::seed)
                .containsExactly("basic, hard", true, null, null, null, 0L);
        assertThat(EventCodec.json().valueToTree(basicHard).has("mixAlpha"))
                .as("nulls are written")
                .isTrue();
    }

    @Test
    void paperPresetOwnsRateAlphaAndQ() {
        Map<String, String> errors = errors(expander.expand(request("""
                {"name": "paper", "preset": "paper", "datasetId": "ds-abc",
                 "overrides": {"mixAlpha": 1.0, "mixProbability": 0.5, "dropoutRate": 0.3, "augment": false}}""")));
        assertThat(errors)
                .containsOnlyKeys(
                        "overrides.mixAlpha", "overrides.mixProbability", "overrides.dropoutRate", "overrides.augment");
        // other settings may be overridden, e.g. the optimizer
        StudyExpander.Result nesterov = expander.expand(request("""
                {"name": "paper", "preset": "paper", "datasetId": "ds-abc", "overrides": {"nesterov": true}}"""));
        assertThat(nesterov.errors()).isEmpty();
        assertThat(nesterov.expansion().runs())
                .allSatisfy(r -> assertThat(r.specTemplate().nesterov()).isTrue());
    }

    @Test
    void paperPresetTakesSeedsAndOverridesButNoGrid() {
        StudyExpander.Result small = expander.expand(request("""
                {"name": "paper", "preset": "paper", "datasetId": "ds-abc", "seeds": 1, "overrides": {"epochs": 1}}"""));
        assertThat(small.expansion().runs()).hasSize(30);
        Map<String, String> errors = errors(expander.expand(request("""
                {"name": "paper", "preset": "paper", "datasetId": "ds-abc", "overrides": {"method": "basic"},
                 "grid": {"methods": ["basic"], "labelModes": ["soft"]}}""")));
        assertThat(errors).containsKeys("grid", "overrides.method");
        assertThat(errors(expander.expand(request("""
                {"name": "x", "preset": "papers", "datasetId": "ds-abc"}""")))).containsKey("preset");
    }
}
