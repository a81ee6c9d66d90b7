package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments to {@code plan} and {@code submit}: each ends with its exit code and one exact line on stderr, and
 * prints nothing on stdout. {@code submit} is pointed at a port nothing listens on: had it sent anything, its error
 * would be a connection failure instead of the expected line, so "nothing submitted" is shown, not assumed. The
 * bounds are docs/security.md's ("Bounded requests"), written out as numbers.
 */
class BadArgumentsTest {

    /** Nothing listens on port 1 of the loopback (a privileged port no test binds). */
    private static final String NOWHERE = "http://127.0.0.1:1";

    @TempDir
    static Path dir;

    private static final String GRID =
            "\"datasetId\": \"ds-1\", \"grid\": {\"methods\": [\"basic\"], " + "\"labelModes\": [\"soft\"]";

    /** A study file in the temp folder; {@code %s} in the returned args is replaced by its path. */
    private static Path file(String name, String content) {
        try {
            Files.createDirectories(dir.resolve(name).getParent());
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> badArguments() {
        Path epochs = file("epochs.json", "{\"name\": \"x\", " + GRID + "}, \"overrides\": {\"epochs\": 5000}}");
        Path depth = file("depth.json", "{\"name\": \"x\", " + GRID + ", \"depth\": [20, 116]}}");
        Path seeds = file("seeds.json", "{\"name\": \"x\", \"seeds\": 25, " + GRID + "}}");
        // 300,000 characters of name and 89 around them (counted by hand from the JSON below)
        Path big = file("big.json", "{\"name\": \"" + "x".repeat(300_000) + "\", " + GRID + "}}");
        Path notJson = file("not.json", "name = x");
        Path missing = dir.resolve("missing.json");
        Path noData = dir.resolve("no-data");
        Path cifar = cifarFolder();
        Path busyHome = file("busy-home/a-file", "").getParent();
        return Stream.of(
                Arguments.of(
                        List.of("plan", "--preset", "paper", "--seeds", "21"),
                        1,
                        "softcifar: invalid study: seeds: at most 20 seeds per study, got 21"),
                Arguments.of(
                        List.of("plan", "--preset", "paper", "--seeds", "0"),
                        1,
                        "softcifar: invalid study: seeds: a seed count must be >= 1, got 0"),
                Arguments.of(
                        List.of("plan", "--preset", "paper", "--seeds", "many"),
                        2,
                        "softcifar: Invalid value for option '--seeds': 'many' is not an int"),
                Arguments.of(
                        List.of("plan", "--preset", "papers"),
                        1,
                        "softcifar: invalid study: preset: unknown "
                                + "preset 'papers' (expected paper, or leave it out and give a grid)"),
                Arguments.of(
                        List.of("plan", depth.toString()),
                        1,
                        "softcifar: invalid study: grid.depth[1]: at most 110, got 116"),
                Arguments.of(
                        List.of("plan", seeds.toString()),
                        1,
                        "softcifar: invalid study: seeds: at most 20 seeds per study, got 25"),
                Arguments.of(
                        List.of("submit", "--url", NOWHERE, epochs.toString()),
                        1,
                        "softcifar: " + epochs + ": invalid study, nothing submitted: overrides.epochs: at most 1000, "
                                + "got 5000"),
                Arguments.of(
                        List.of("submit", "--url", NOWHERE, big.toString()),
                        1,
                        "softcifar: " + big + ": at most 262144 bytes, got " + (300_000 + 89)
                                + " (the services' request body limit, 256K)"),
                Arguments.of(
                        List.of("plan", big.toString()),
                        1,
                        "softcifar: " + big + ": at most 262144 bytes, got " + (300_000 + 89)
                                + " (the services' request body limit, 256K)"),
                Arguments.of(
                        List.of("submit", "--url", NOWHERE, notJson.toString()),
                        1,
                        "softcifar: " + notJson + ": not a study definition: not JSON: Unrecognized token 'name': was "
                                + "expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') "
                                + "(line 1, column 1)"),
                Arguments.of(
                        List.of("submit", "--url", NOWHERE, missing.toString()),
                        1,
                        "softcifar: " + missing + ": cannot read: " + missing),
                // the results commands: arguments parsed, then the one line of an unreachable service
                Arguments.of(
                        List.of("runs", "cancel", "r1", "--url", NOWHERE),
                        1,
                        "softcifar: cannot reach the " + "results-service at " + NOWHERE
                                + "; start the stack with ./softcifar up (or pass --url)"),
                Arguments.of(
                        List.of("runs", "retry", "--url", NOWHERE, "r1", "r2"),
                        1,
                        "softcifar: cannot reach " + "the results-service at " + NOWHERE
                                + "; start the stack with ./softcifar up (or pass --url)"),
                Arguments.of(List.of("runs", "retry"), 2, "softcifar: Missing required parameter: 'RUN'"),
                Arguments.of(
                        List.of("compare", "s1", "--format", "xml", "--url", NOWHERE),
                        1,
                        "softcifar: --format: expected md, csv or latex, got 'xml'"),
                Arguments.of(
                        List.of("compare", "s1", "--format", "latex", "--metric", "test/ece", "--url", NOWHERE),
                        1,
                        "softcifar: --metric: only with --format md or csv (the LaTeX table has the paper's columns)"),
                Arguments.of(
                        List.of("fetch", "r1", "--checkpoint", "--dump"),
                        2,
                        "softcifar: Error: --checkpoint, --dump are mutually exclusive (specify only one)"),
                Arguments.of(
                        List.of("fetch", "r1", "--url", NOWHERE),
                        1,
                        "softcifar: cannot reach the " + "results-service at " + NOWHERE
                                + "; start the stack with ./softcifar up (or pass --url)"),
                // refused before the PyTorch engine starts, so these cost no training
                Arguments.of(
                        List.of("bench", "train", "--concurrent", "0,2"),
                        1,
                        "softcifar: --concurrent: every K must be >= 1, got [0, 2]"),
                Arguments.of(
                        List.of("bench", "train", "--concurrent", "2", "--augment"),
                        1,
                        "softcifar: --concurrent measures fp32 training only; drop --precision bf16, --profile,"
                                + " --augment and --reference-sgd"),
                // one parse of --precision for train, bench train and bench evaluate (PrecisionOption)
                Arguments.of(
                        List.of("bench", "train", "--precision", "fp16"),
                        1,
                        "softcifar: precision: unknown 'fp16' (expected one of fp32, bf16)"),
                Arguments.of(
                        List.of("bench", "evaluate", "--precision", "half"),
                        1,
                        "softcifar: precision: unknown 'half' (expected one of fp32, bf16)"),
                // refused before the stack starts or a temporary home is made
                Arguments.of(
                        List.of("bench", "pipeline", "--data", noData.toString()),
                        1,
                        "softcifar: --data: " + noData + " is not a folder"),
                Arguments.of(
                        List.of("bench", "pipeline", "--data", dir.toString()),
                        1,
                        "softcifar: --data " + dir
                                + ": no test_batch.bin (a folder laid out like shared/data/cifar10h)"),
                Arguments.of(
                        List.of("bench", "pipeline", "--data", cifar.toString(), "--epochs", "0"),
                        1,
                        "softcifar: --epochs must be 1 to 50, got 0"),
                Arguments.of(
                        List.of("bench", "pipeline", "--data", cifar.toString(), "--limit", "19"),
                        1,
                        "softcifar: --limit must be 20 to 10000, got 19"),
                Arguments.of(
                        List.of("bench", "pipeline", "--data", cifar.toString(), "--home", busyHome.toString()),
                        1,
                        "softcifar: --home " + busyHome
                                + ": not empty; the bench needs a fresh stack (leave --home out for a temporary one)"),
                Arguments.of(
                        List.of("bench", "pipeline", "--data", cifar.toString(), "--trainer-slots", "0"),
                        1,
                        "softcifar: --trainer-slots must be 1 to 1024, got 0"));
    }

    /** A folder with the two files bench pipeline looks for (their content is never read: it stops before). */
    private static Path cifarFolder() {
        Path folder = dir.resolve("cifar");
        file("cifar/test_batch.bin", "");
        file("cifar/cifar10h-probs.npy", "");
        return folder;
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void aBadArgumentIsOneLineAndAnExitCode(List<String> args, int exitCode, String line) {
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
        List<String> lines = new ArrayList<>(List.of(r.errLines()));
        assertThat(lines.get(0)).isEqualTo(line);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aRefusedConcurrentBenchMakesNoProfileFolder() {
        Path folder = dir.resolve("profile-never-made");
        CliRunner.Result r = CliRunner.run("bench", "train", "--concurrent", "2", "--profile", folder.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()[0])
                .isEqualTo("softcifar: --concurrent measures fp32 training only; drop --precision bf16, --profile,"
                        + " --augment and --reference-sgd");
        assertThat(folder).doesNotExist();
    }
}
