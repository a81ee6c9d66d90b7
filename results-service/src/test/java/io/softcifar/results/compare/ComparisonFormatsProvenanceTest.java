package io.softcifar.results.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.spec.RunSpec;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The CSV export is RFC 4180 (commas, quotes and line breaks in labels), checked twice: parsed back by commons-csv's
 * parser, and against text written out by hand from the RFC's rules; and the provenance of the runs in the numbers
 * appears in every format.
 */
class ComparisonFormatsProvenanceTest {

    static final String COMMIT = "9c5e61a8b29d5d0ad832435b0562316ece42a208";
    static final String MANIFEST = "10d6ebbe040c66f02c09e3952ca8e9190cf5094576abe155c2e2d87b04822377";

    /** A CPU model with a comma and a quote, as a hostile /proc/cpuinfo could have it. */
    static Provenance cpu(String configHash) {
        RunSpec spec = configHash == null
                ? null
                : RunSpec.builder("ds", "basic", "soft").build().withDefaults();
        return new Provenance(
                "0.1.0",
                COMMIT,
                false,
                "0.33.0",
                "2.5.1",
                "cpu",
                "Xeon, \"Gold\" 6230",
                null,
                2,
                null,
                "17.0.13",
                "Linux",
                spec,
                configHash,
                MANIFEST);
    }

    static Comparison comparison() {
        Provenance evaluator = cpu(null);
        return Comparison.of(new ComparisonInput(
                "st",
                "quoting",
                List.of(
                        new ComparisonInput.Config("a", "basic, \"soft\""),
                        new ComparisonInput.Config("b", "two\nlines")),
                List.of(
                        new ComparisonInput.Run(
                                "a0", "a", 0, "FINISHED", null, Map.of("test/accuracy", 0.5), cpu("aaaa"), evaluator),
                        new ComparisonInput.Run(
                                "a1", "a", 1, "FINISHED", null, Map.of("test/accuracy", 0.75), cpu("bbbb"), evaluator),
                        new ComparisonInput.Run("b0", "b", 0, "FAILED", "out of memory", null, null, null))));
    }

    @Test
    void theConfigurationHashesAreListedInRunOrderSoTheJsonIsTheSameAfterARestart() {
        // 12 runs: an order that depended on the JVM (Map.copyOf) would match this one by chance once in 12!
        List<ComparisonInput.Run> runs = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "r" + (char) ('a' + (i * 7) % 12); // ra, rh, rc, rj, … (not sorted)
            ids.add(id);
            runs.add(new ComparisonInput.Run(
                    id, "a", i, "FINISHED", null, Map.of("test/accuracy", 0.5), cpu("hash-" + id), null));
        }
        Comparison c =
                Comparison.of(new ComparisonInput("st", "order", List.of(new ComparisonInput.Config("a", "a")), runs));
        assertThat(c.provenance())
                .singleElement()
                .satisfies(g -> assertThat(List.copyOf(g.configurationSha256().keySet()))
                        .isEqualTo(ids));
    }

    @Test
    void csvIsRfc4180ByHand() {
        String prov = "9c5e61a8b29d5d0ad832435b0562316ece42a208,0.33.0,2.5.1,\"cpu Xeon, \"\"Gold\"\" 6230\",2,"
                + MANIFEST + ",";
        String expected = "configuration,configKey,metric,direction,n,mean,std,stdErr,best,missingRuns,gitCommit,"
                + "djlVersion,pytorchVersion,device,threads,datasetManifestSha256,configurationSha256\r\n"
                // label with a comma and quotes: quoted, quotes doubled; mean (0.5 + 0.75) / 2 = 0.625,
                // std = sqrt(((0.125)^2 * 2) / 1) = 0.1767766952966369, stdErr = std / sqrt(2) = 0.125
                + "\"basic, \"\"soft\"\"\",a,test/accuracy,higher,2,0.625,0.1767766952966369,0.125,true,,"
                + prov + "a0=aaaa a1=bbbb\r\n"
                // a line break inside a field: quoted, kept as is; no evaluated run, so no provenance
                + "\"two\nlines\",b,,,0,,,,,b0,,,,,,,\r\n";

        assertThat(ComparisonFormats.csv(comparison())).isEqualTo(expected);
    }

    @Test
    void anEvaluationWhoseThreadsChangedIsAGroupOfItsOwnAndARangeInTheCsv() throws IOException {
        Provenance trainer = cpu("aaaa");
        Provenance varied = cpu(null).withThreads(1, 2);
        Comparison c = Comparison.of(new ComparisonInput(
                "st",
                "threads",
                List.of(new ComparisonInput.Config("a", "a")),
                List.of(
                        new ComparisonInput.Run(
                                "a0", "a", 0, "FINISHED", null, Map.of("test/accuracy", 0.5), trainer, cpu(null)),
                        new ComparisonInput.Run(
                                "a1", "a", 1, "FINISHED", null, Map.of("test/accuracy", 0.5), trainer, varied))));
        // training in one environment; evaluation in two: 2 threads, and 1 to 2 threads
        assertThat(c.provenance())
                .extracting(ProvenanceGroup::stage, ProvenanceGroup::threadsMin)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("training", null),
                        org.assertj.core.groups.Tuple.tuple("evaluation", null),
                        org.assertj.core.groups.Tuple.tuple("evaluation", 1));
        try (CSVParser parser = CSVParser.parse(
                new StringReader(ComparisonFormats.csv(c)),
                CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            assertThat(parser.getRecords().get(0).get("threads")).isEqualTo("2 | 1-2");
        }
    }

    @Test
    void csvParsesBackToTheSameFields() throws IOException {
        try (CSVParser parser = CSVParser.parse(
                new StringReader(ComparisonFormats.csv(comparison())),
                CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            assertThat(parser.getHeaderNames()).containsExactlyElementsOf(ComparisonFormats.CSV_HEADER);
            List<CSVRecord> records = parser.getRecords();
            assertThat(records).hasSize(2);
            assertThat(records.get(0).get("configuration")).isEqualTo("basic, \"soft\"");
            assertThat(records.get(0).get("device")).isEqualTo("cpu Xeon, \"Gold\" 6230");
            assertThat(records.get(0).get("gitCommit")).isEqualTo(COMMIT);
            assertThat(records.get(0).get("threads")).isEqualTo("2");
            assertThat(records.get(0).get("configurationSha256")).isEqualTo("a0=aaaa a1=bbbb");
            assertThat(records.get(1).get("configuration")).isEqualTo("two\nlines");
            assertThat(records.get(1).get("missingRuns")).isEqualTo("b0");
            assertThat(records.get(1).get("device")).isEmpty();
        }
    }

    @Test
    void theJsonSummaryGroupsRunsByEnvironmentAndStage() {
        List<ProvenanceGroup> groups = comparison().provenance();

        assertThat(groups).extracting(ProvenanceGroup::stage).containsExactly("training", "evaluation");
        assertThat(groups).allSatisfy(g -> {
            assertThat(g.runIds()).containsExactly("a0", "a1"); // b0 failed: not in the numbers
            assertThat(g.environment())
                    .isEqualTo(
                            "0.1.0 (git 9c5e61a8b29d), DJL 0.33.0, PyTorch 2.5.1, cpu Xeon, \"Gold\" 6230, 2 threads");
            assertThat(g.datasetManifestSha256()).isEqualTo(MANIFEST);
        });
        assertThat(groups.get(0).configurationSha256())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a0", "aaaa", "a1", "bbbb"));
        assertThat(groups.get(1).configurationSha256()).isEmpty();
    }

    @Test
    void markdownAndLatexGetAFootnoteAfterTheTable() {
        String md = ComparisonFormats.markdown(comparison());
        String env = "0.1.0 (git 9c5e61a8b29d), DJL 0.33.0, PyTorch 2.5.1, cpu Xeon, \"Gold\" 6230, 2 threads,"
                + " dataset manifest sha256 10d6ebbe040c";
        assertThat(md)
                .endsWith("\nProvenance (2 environments):\n\n"
                        + "- training: " + env + ": `a0`, `a1`\n"
                        + "- evaluation: " + env + ": `a0`, `a1`\n");
        assertThat(md.indexOf("Provenance")).isGreaterThan(md.indexOf("Missing runs"));

        String tex = ComparisonFormats.latex(comparison());
        assertThat(tex)
                .endsWith("\\end{tabular}\n% missing runs (1): b0 FAILED\n"
                        + "% provenance, training: " + env + ": a0, a1\n"
                        + "% provenance, evaluation: " + env + ": a0, a1\n");
    }

    @Test
    void runsWithoutProvenanceAddNothing() {
        Comparison c = Comparison.of(new ComparisonInput(
                "st",
                "old",
                List.of(new ComparisonInput.Config("a", "a")),
                List.of(new ComparisonInput.Run("a0", "a", 0, "FINISHED", null, Map.of("test/accuracy", 0.5)))));

        assertThat(c.provenance()).isEmpty();
        assertThat(ComparisonFormats.markdown(c)).doesNotContain("Provenance");
        assertThat(ComparisonFormats.latex(c)).doesNotContain("provenance");
        assertThat(ComparisonFormats.csv(c).lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("a,a,test/accuracy,higher,1,0.5,,,true,,,,,,,,");
    }
}
