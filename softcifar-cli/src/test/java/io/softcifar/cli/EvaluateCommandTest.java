package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.data.Cifar100Binary;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./softcifar evaluate} end to end: a model trained by {@code ./softcifar train} (ResNet-8, one epoch on 320
 * synthetic images) evaluated with CIFAR-100-format and SVHN-format OOD files, and every kind of bad input.
 */
class EvaluateCommandTest {

    @TempDir
    static Path tmp;

    private static Path data;
    private static Path checkpoint;
    private static Path cifar100;
    private static Path svhn;

    @BeforeAll
    static void trainTinyModel() {
        data = SyntheticData.writeCifar10hFolder(tmp.resolve("cifar10h"), 400, 7);
        cifar100 = SyntheticData.writeCifar100Test(tmp.resolve("test.bin"), 80, 11);
        svhn = SyntheticData.writeSvhnTest(tmp.resolve("test_32x32.mat"), 80, 12);
        Path out = tmp.resolve("run");
        var train = run(
                "train",
                "--data",
                data.toString(),
                "--method",
                "basic",
                "--labels",
                "soft",
                "--depth",
                "8",
                "--epochs",
                "1",
                "--batch-size",
                "32",
                "--warmup",
                "0",
                "--no-augment",
                "--seed",
                "3",
                "--out",
                out.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        checkpoint = out.resolve("best.ckpt");
        assertThat(checkpoint).exists();
    }

    static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    private static String oodSpec() {
        return "svhn=" + svhn + ",cifar100=" + cifar100;
    }

    @Test
    void printsATableOfEveryMetric() {
        var r = run(
                "evaluate",
                "--checkpoint",
                checkpoint.toString(),
                "--data",
                data.toString(),
                "--ood",
                oodSpec(),
                "--fgsm",
                "0.005,0.01");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "test/accuracy",
                        "test/ece ",
                        "test/ece_true_class",
                        "test/overconfidence_error",
                        "test/nll",
                        "test/brier",
                        "test/macro_precision",
                        "test/macro_recall",
                        "test/soft_cross_entropy",
                        "test/soft_kl",
                        "ood/svhn_auroc ",
                        "ood/svhn_aupr ",
                        "ood/svhn_auroc_max_prob",
                        "ood/svhn_auroc_native",
                        "ood/cifar100_auroc ",
                        "fgsm/0.005_decrease",
                        "fgsm/0.01_decrease",
                        "reliability",
                        "images      test 60," + " svhn 60 of 80, cifar100 60 of 80");
    }

    @Test
    void printsOneJsonObjectAndWritesTheDump() throws Exception {
        Path dump = tmp.resolve("dump");
        var r = run(
                "evaluate",
                "--checkpoint",
                checkpoint.toString(),
                "--data",
                data.toString(),
                "--ood",
                oodSpec(),
                "--json",
                "--dump",
                dump.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.MAPPER.readValue(r.out(), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Double> metrics = (Map<String, Double>) json.get("metrics");
        assertThat(metrics)
                .containsKeys(
                        "test/accuracy", "test/ece", "ood/svhn_auroc", "ood/cifar100_auroc", "fgsm/0.005_decrease");
        assertThat(metrics.get("test/accuracy")).isBetween(0.0, 1.0);
        assertThat(json.get("method")).isEqualTo("basic");
        assertThat((List<?>) json.get("reliability")).hasSize(10);
        assertThat(dump.resolve("dump.json")).exists();
        assertThat(dump.resolve("test_probabilities.npy")).exists();
        assertThat(dump.resolve("ood_svhn_logits.npy")).exists();
        assertThat(dump.resolve("fgsm_0.005_predictions.npy")).exists();
    }

    private static void assertOneLineError(CliRunner.Result r, String... fragments) {
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("softcifar: ").contains(fragments).doesNotContain("\tat ", "internal error");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingCheckpointIsOneLineNamingTheFile() {
        Path missing = tmp.resolve("nope.ckpt");
        var r = run("evaluate", "--checkpoint", missing.toString(), "--data", data.toString());
        assertOneLineError(r, missing + ": not found");
    }

    @Test
    void aFileThatIsNotACheckpointIsOneLine() {
        var r = run("evaluate", "--checkpoint", svhn.toString(), "--data", data.toString());
        assertOneLineError(r, svhn.toString());
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsOneLine() {
        Path other = tmp.resolve("depth14.ckpt");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            TrainConfig config = loaded.header().config();
            TrainConfig lie = config.withModel(config.model().withDepth(14));
            Checkpoint.write(other, loaded.header().withConfig(lie), loaded.model(), null);
        }
        var r = run("evaluate", "--checkpoint", other.toString(), "--data", data.toString());
        assertOneLineError(r, other.toString(), "another architecture");
    }

    @Test
    void unknownOodNameIsOneLine() {
        var r = run(
                "evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--ood", "mnist=" + svhn);
        assertOneLineError(r, "ood: unknown OOD set 'mnist' (expected svhn or cifar100)");
    }

    @Test
    void oodFileOfTheWrongShapeIsOneLineNamingTheFile() throws Exception {
        Path truncated = tmp.resolve("short.bin");
        Files.write(truncated, new byte[Cifar100Binary.RECORD_BYTES * 3 + 100]);
        var r = run(
                "evaluate",
                "--checkpoint",
                checkpoint.toString(),
                "--data",
                data.toString(),
                "--ood",
                "cifar100=" + truncated);
        assertOneLineError(r, truncated + ": size", "not a multiple of 3074");
        // a CIFAR-100 file given as SVHN
        var swapped = run(
                "evaluate",
                "--checkpoint",
                checkpoint.toString(),
                "--data",
                data.toString(),
                "--ood",
                "svhn=" + cifar100);
        assertOneLineError(swapped, cifar100.toString());
    }

    @Test
    void missingOodFileAndMissingDataAreOneLine() {
        Path gone = tmp.resolve("gone.mat");
        assertOneLineError(
                run(
                        "evaluate",
                        "--checkpoint",
                        checkpoint.toString(),
                        "--data",
                        data.toString(),
                        "--ood",
                        "svhn=" + gone),
                gone + ": not found");
        Path noData = tmp.resolve("no-data");
        assertOneLineError(
                run("evaluate", "--checkpoint", checkpoint.toString(), "--data", noData.toString()),
                noData + ": not found");
    }

    @Test
    void badOptionValuesAreOneLine() {
        assertOneLineError(
                run("evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--fgsm=2"),
                "fgsm: epsilon must be in [0, 1]");
        assertOneLineError(
                run("evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--mc-samples", "0"),
                "mc-samples: must be >= 1");
    }
}
