package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code softcifar plan}: expected rows written from PROTOCOL.md ("five families — basic (augmented), MC Dropout
 * without augmentation, MC Dropout (augmented), DUQ, SNGP — × {soft, hard} × {no mixing, Mixup, CutMix}", α = 0.2,
 * q = 0.15, p = 0.1), in the reference table's order: per family soft, hard, soft Mixup, hard Mixup, soft CutMix, hard
 * CutMix; five seeds per configuration.
 */
class PlanCommandTest {

    @Test
    void paperPresetAsJsonIsOneHundredFiftyRuns() throws IOException {
        CliRunner.Result r = CliRunner.run("plan", "--preset", "paper", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = Json.MAPPER.readTree(r.out().strip());
        assertThat(plan.get("configurations").asInt()).isEqualTo(30);
        assertThat(plan.get("seeds")).hasSize(5);
        JsonNode runs = plan.get("runs");
        assertThat(runs).hasSize(150);

        // run 1: "basic, soft", seed 0, augmented, no mixing
        assertRow(runs.get(0), "basic, soft", "basic", "soft", "none", true, null, null, null, 0);
        // run 33 = configuration 7 ("dropout, no aug, soft"), seed 2
        assertRow(runs.get(6 * 5 + 2), "dropout, no aug, soft", "dropout", "soft", "none", false, null, null, 0.1, 2);
        // run 60 = configuration 12 ("dropout, no aug, hard, CutMix"), seed 4
        assertRow(
                runs.get(11 * 5 + 4),
                "dropout, no aug, hard, CutMix",
                "dropout",
                "hard",
                "cutmix",
                false,
                0.2,
                0.15,
                0.1,
                4);
        // run 76 = configuration 16 ("dropout, hard, Mixup"), seed 0
        assertRow(runs.get(15 * 5), "dropout, hard, Mixup", "dropout", "hard", "mixup", true, 0.2, 0.15, 0.1, 0);
        // run 111 = configuration 23 ("DUQ, soft, CutMix"), seed 0
        assertRow(runs.get(22 * 5), "DUQ, soft, CutMix", "duq", "soft", "cutmix", true, 0.2, 0.15, null, 0);
        // run 150: "SNGP, hard, CutMix", seed 4
        assertRow(runs.get(149), "SNGP, hard, CutMix", "sngp", "hard", "cutmix", true, 0.2, 0.15, null, 4);

        String studyId = plan.get("studyId").asText();
        assertThat(studyId).matches("paper-[0-9a-f]{8}");
        for (JsonNode run : runs) {
            assertThat(run.get("runId").asText())
                    .startsWith(studyId + "-")
                    .endsWith("-s" + run.get("seed").asLong());
        }
        assertThat(runs.get(6 * 5).get("runId").asText()).contains("-dropout-soft-noaug-");
    }

    private static void assertRow(
            JsonNode row,
            String label,
            String method,
            String labels,
            String mixing,
            boolean augment,
            Double alpha,
            Double q,
            Double p,
            long seed) {
        assertThat(row.get("label").asText()).isEqualTo(label);
        assertThat(row.get("method").asText()).isEqualTo(method);
        assertThat(row.get("labelMode").asText()).isEqualTo(labels);
        assertThat(row.get("mixing").asText()).isEqualTo(mixing);
        assertThat(row.get("augment").asBoolean()).isEqualTo(augment);
        assertThat(row.get("mixAlpha").isNull() ? null : row.get("mixAlpha").asDouble())
                .isEqualTo(alpha);
        assertThat(
                        row.get("mixProbability").isNull()
                                ? null
                                : row.get("mixProbability").asDouble())
                .isEqualTo(q);
        assertThat(
                        row.get("dropoutRate").isNull()
                                ? null
                                : row.get("dropoutRate").asDouble())
                .isEqualTo(p);
        assertThat(row.get("seed").asLong()).isEqualTo(seed);
    }

    @Test
    void paperPresetAsATableHasOneRowPerRun() {
        CliRunner.Result r = CliRunner.run("plan", "--preset", "paper");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).hasSize(1 + 150 + 1);
        assertThat(lines[0]).startsWith("#").contains("configuration", "method", "α", "q", "seed", "run id");
        // row 60: configuration 12, seed 4
        assertThat(lines[60])
                .startsWith("60   dropout, no aug, hard, CutMix  ")
                .matches(".*dropout\\s+hard\\s+cutmix\\s+no\\s+0\\.2\\s+0\\.15\\s+0\\.1\\s+4\\s+paper-.*-s4");
        assertThat(lines[1])
                .matches("1\\s+basic, soft\\s+basic\\s+soft\\s+none\\s+yes\\s+-\\s+-\\s+-\\s+0\\s+paper-.*-s0");
        assertThat(lines[151])
                .startsWith("30 configurations × 5 seeds = 150 runs of study paper-")
                .contains("nothing submitted");
        assertThat(Arrays.stream(lines).filter(l -> l.contains("SNGP, hard, CutMix")))
                .hasSize(5);
    }

    @Test
    void seedsNameAndDatasetSetTheStudy() throws IOException {
        CliRunner.Result r = CliRunner.run("plan", "--preset", "paper", "--seeds", "1", "--id", "p1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = Json.MAPPER.readTree(r.out().strip());
        assertThat(plan.get("runs")).hasSize(30);
        assertThat(plan.get("studyId").asText()).isEqualTo("p1");
        assertThat(plan.at("/runs/29/runId").asText())
                .startsWith("p1-sngp-hard-cutmix-")
                .endsWith("-s0");
    }

    @Test
    void aStudyFileIsExpandedToo(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("study.json");
        Files.writeString(file, """
                {"id": "s", "name": "two", "datasetId": "ds-1", "seeds": 2,
                 "grid": {"methods": ["sngp"], "labelModes": ["soft", "hard"], "mixing": ["mixup"]}}""");
        CliRunner.Result r = CliRunner.run("plan", file.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode runs = Json.MAPPER.readTree(r.out().strip()).get("runs");
        assertThat(runs).hasSize(4);
        // a grid's mixing takes the defaults: the reference's α and q
        assertRow(runs.get(3), "SNGP, hard, Mixup", "sngp", "hard", "mixup", true, 0.2, 0.15, null, 1);
    }

    @Test
    void problemsAreOneLine(@TempDir Path tmp) throws IOException {
        CliRunner.Result unknown = CliRunner.run("plan", "--preset", "papers");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.err()).startsWith("softcifar: invalid study: preset: unknown preset 'papers'");

        CliRunner.Result neither = CliRunner.run("plan");
        assertThat(neither.exitCode()).isEqualTo(1);
        assertThat(neither.err()).startsWith("softcifar: give either --preset paper or a STUDY.json file");

        Path bad = tmp.resolve("bad.json");
        Files.writeString(
                bad,
                "{\"name\": \"x\", \"datasetId\": \"d\", \"grid\": {\"methods\": [\"resnet\"], "
                        + "\"labelModes\": [\"soft\"]}}");
        CliRunner.Result invalid = CliRunner.run("plan", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.errLines()).hasSize(1);
        assertThat(invalid.err()).contains("grid.methods[0]", "unknown method 'resnet'");
    }
}
