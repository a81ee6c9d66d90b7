package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir
    static Path shared;

    static Path data;

    @BeforeAll
    static void writeData() {
        data = shared.resolve("cifar10h");
        SyntheticData.writeCifar10hFolder(data, 300, 11L);
    }

    private static String[] train(Path dataDir, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                dataDir.toString(),
                "--out",
                out.toString(),
                "--depth",
                "8",
                "--epochs",
                "1",
                "--batch-size",
                "32",
                "--limit",
                "64"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static void assertOneLineError(CliRunner.Result r, String... fragments) {
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).as("stderr: %s", r.err()).hasSize(1);
        assertThat(r.err()).startsWith("softcifar: ").doesNotContain("Exception", "\tat ");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    @Test
    void trainsAndPrintsAJsonSummary(@TempDir Path out) throws IOException {
        CliRunner.Result r = CliRunner.run(train(data, out, "--method", "basic", "--labels", "soft", "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out().strip());
        assertThat(json.get("parameters").asLong()).isPositive();
        assertThat(json.get("epochs_run").asInt()).isEqualTo(1);
        assertThat(json.get("best_val_loss").asDouble()).isPositive();
        assertThat(json.get("val_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("images_per_second").asDouble()).isPositive();
        assertThat(Files.exists(out.resolve("best.ckpt"))).isTrue();
        assertThat(Files.exists(out.resolve("last.ckpt"))).isTrue();
        // the reference's optimizer: plain momentum 0.9
        assertThat(json.at("/config/momentum").asDouble()).isEqualTo(0.9);
        assertThat(json.at("/config/nesterov").asBoolean(true)).isFalse();
    }

    @Test
    void nesterovIsAnOptionAndABareMixupFlagIsTheReferences(@TempDir Path out) throws IOException {
        CliRunner.Result r = CliRunner.run(
                train(data, out, "--method", "basic", "--labels", "hard", "--nesterov", "--mixup", "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode config = Json.MAPPER.readTree(r.out().strip()).get("config");
        assertThat(config.get("nesterov").asBoolean()).isTrue();
        assertThat(config.at("/mixing/kind").asText()).isEqualTo("MIXUP");
        assertThat(config.at("/mixing/alpha").asDouble()).isEqualTo(0.2);
        assertThat(config.at("/mixing/probability").asDouble()).isEqualTo(0.15);
    }

    @Test
    void missingFolderIsOneLineNamingTheFile(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        CliRunner.Result r = CliRunner.run(train(tmp.resolve("nowhere"), out, "--method", "basic", "--labels", "soft"));
        assertOneLineError(r, "nowhere");
        assertThat(Files.exists(out)).as("no partial output").isFalse();
    }

    @Test
    void truncatedImageFileIsOneLine(@TempDir Path tmp) throws IOException {
        Path dir = copyData(tmp);
        Path bin = dir.resolve("test_batch.bin");
        byte[] bytes = Files.readAllBytes(bin);
        Files.write(bin, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        CliRunner.Result r = CliRunner.run(train(dir, tmp.resolve("out"), "--method", "basic", "--labels", "soft"));
        assertOneLineError(r, "test_batch.bin", "truncated");
        assertThat(Files.exists(tmp.resolve("out"))).isFalse();
    }

    @Test
    void labelRowsThatDoNotSumToOneAreOneLine(@TempDir Path tmp) throws IOException {
        Path dir = copyData(tmp);
        double[][] rows = SoftLabels.read(dir.resolve("cifar10h-probs.npy")).toArray();
        rows[5][0] += 0.2;
        double[] flat = java.util.Arrays.stream(rows)
                .flatMapToDouble(java.util.Arrays::stream)
                .toArray();
        io.softcifar.ml.data.NpyFiles.writeFloat64(dir.resolve("cifar10h-probs.npy"), flat, rows.length, 10);
        CliRunner.Result r = CliRunner.run(train(dir, tmp.resolve("out"), "--method", "basic", "--labels", "soft"));
        assertOneLineError(r, "cifar10h-probs.npy", "row 5");
    }

    @Test
    void labelRowCountThatDoesNotFitTheImagesIsOneLine(@TempDir Path tmp) throws IOException {
        Path dir = copyData(tmp);
        double[][] rows = SoftLabels.read(dir.resolve("cifar10h-probs.npy")).toArray();
        SoftLabels.write(dir.resolve("cifar10h-probs.npy"), java.util.Arrays.copyOf(rows, 250));
        CliRunner.Result r = CliRunner.run(train(dir, tmp.resolve("out"), "--method", "basic", "--labels", "soft"));
        assertOneLineError(r, "250", "300");
    }

    @Test
    void unknownMethodIsOneLine(@TempDir Path tmp) {
        CliRunner.Result r = CliRunner.run(train(data, tmp.resolve("out"), "--method", "resnet", "--labels", "soft"));
        assertOneLineError(r, "unknown method 'resnet'", "basic, dropout, sngp, duq");
    }

    @Test
    void sngpTrainsWithTheChosenGpFormulationRecordedInItsConfig(@TempDir Path out) throws IOException {
        CliRunner.Result r = CliRunner.run(
                train(data, out, "--method", "sngp", "--labels", "soft", "--json", "--gp-formulation", "liu2020"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out().strip());
        assertThat(json.at("/config/model/gpFormulation").asText()).isEqualTo("LIU2020");
    }

    @Test
    void bf16TrainsAndIsRecordedInItsConfigAndAnUnknownPrecisionIsOneLine(@TempDir Path tmp) throws IOException {
        CliRunner.Result r = CliRunner.run(train(
                data, tmp.resolve("out"), "--method", "basic", "--labels", "soft", "--precision", "bf16", "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out().strip());
        assertThat(json.at("/config/precision").asText()).isEqualTo("BF16");
        assertThat(json.get("best_val_loss").asDouble()).isPositive().isFinite();
        CliRunner.Result bad = CliRunner.run(
                train(data, tmp.resolve("out2"), "--method", "basic", "--labels", "soft", "--precision", "fp16"));
        assertOneLineError(bad, "precision", "fp16", "fp32, bf16");
        assertThat(tmp.resolve("out2")).doesNotExist();
    }

    @Test
    void unknownGpFormulationIsOneLine(@TempDir Path tmp) {
        CliRunner.Result r = CliRunner.run(
                train(data, tmp.resolve("out"), "--method", "sngp", "--labels", "soft", "--gp-formulation", "edward"));
        assertOneLineError(r, "gp-formulation", "edward", "reference, liu2020");
    }

    @Test
    void negativeLearningRateIsOneLine(@TempDir Path tmp) {
        CliRunner.Result r =
                CliRunner.run(train(data, tmp.resolve("out"), "--method", "basic", "--labels", "soft", "--lr", "-0.1"));
        assertOneLineError(r, "lr", "-0.1");
    }

    @Test
    void mixupAndCutmixTogetherIsOneLine(@TempDir Path tmp) {
        CliRunner.Result r = CliRunner.run(train(
                data,
                tmp.resolve("out"),
                "--method",
                "basic",
                "--labels",
                "hard",
                "--mixup",
                "1:0.2",
                "--cutmix",
                "1:0.2"));
        assertOneLineError(r, "--mixup", "--cutmix");
    }

    @Test
    void unknownLabelModeAndBadMixSpecAreOneLine(@TempDir Path tmp) {
        assertOneLineError(
                CliRunner.run(train(data, tmp.resolve("o1"), "--method", "basic", "--labels", "fuzzy")),
                "label mode 'fuzzy'");
        assertOneLineError(
                CliRunner.run(
                        train(data, tmp.resolve("o2"), "--method", "basic", "--labels", "hard", "--mixup", "abc")),
                "--mixup",
                "α:q");
    }

    @Test
    void gpuWithoutGpuIsAnErrorNotASilentCpuRun(@TempDir Path tmp) {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                io.softcifar.ml.train.EngineSetup.engine().getGpuCount() == 0, "a GPU is visible here");
        CliRunner.Result r = CliRunner.run(
                train(data, tmp.resolve("out"), "--method", "basic", "--labels", "soft", "--device", "gpu"));
        assertOneLineError(r, "gpu", "no CUDA device");
    }

    private static Path copyData(Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }
}
