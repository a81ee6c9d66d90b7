package io.softcifar.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.spec.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Provenance on the wire: hand-written {@code golden/provenance/} files (with the field) beside the {@code golden/}
 * ones (without it, as older producers write them). The hashes in the files were computed outside Java
 * ({@code sha256sum} of the canonical configuration text and of {@code golden/manifest.json}).
 */
class ProvenanceTest {

    static final RunSpec CONFIGURATION = RunSpec.builder(Examples.DATASET, "sngp", "hard")
            .seed(3L)
            .mixing("cutmix", 0.2, 0.15)
            .epochs(230)
            .build()
            .withDefaults();
    /** sha256sum of golden/manifest.json. */
    static final String MANIFEST_SHA256 = "10d6ebbe040c66f02c09e3952ca8e9190cf5094576abe155c2e2d87b04822377";

    static EventEnvelope trainingExample() throws IOException {
        Provenance provenance = new Provenance(
                        "0.1.0-SNAPSHOT",
                        "8b4d6ae0c1f2e3d4b5a6978877665544332211ff",
                        false,
                        "0.33.0",
                        "2.5.1",
                        Provenance.DEVICE_GPU,
                        "NVIDIA A100-SXM4-40GB",
                        "12.4",
                        8,
                        null,
                        "17.0.13",
                        "Linux 6.1.0 amd64",
                        null,
                        null,
                        null)
                .withConfiguration(CONFIGURATION)
                .withDatasetManifest(resource("/golden/manifest.json"));
        EventEnvelope plain = Examples.all().get(TrainingFinished.TYPE);
        TrainingFinished f = (TrainingFinished) plain.payload();
        return new EventEnvelope(
                plain.eventId(),
                plain.type(),
                plain.schemaVersion(),
                plain.time(),
                plain.correlation(),
                new TrainingFinished(
                        f.runId(),
                        f.bestEpoch(),
                        f.bestValLoss(),
                        f.bestValAccuracy(),
                        f.epochsRun(),
                        f.trainSeconds(),
                        f.bestCheckpointKey(),
                        4L,
                        provenance));
    }

    static EventEnvelope evaluationExample() throws IOException {
        Provenance provenance = new Provenance(
                        "0.1.0",
                        Provenance.UNKNOWN,
                        null,
                        "0.33.0",
                        "2.5.1",
                        Provenance.DEVICE_CPU,
                        "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
                        null,
                        2,
                        null,
                        "17.0.13",
                        "Linux 6.1.0 amd64",
                        null,
                        null,
                        null)
                .withDatasetManifest(resource("/golden/manifest.json"));
        EventEnvelope plain = Examples.all().get(EvaluationCompleted.TYPE);
        EvaluationCompleted e = (EvaluationCompleted) plain.payload();
        return new EventEnvelope(
                plain.eventId(),
                plain.type(),
                plain.schemaVersion(),
                plain.time(),
                plain.correlation(),
                new EvaluationCompleted(
                        e.runId(), e.datasetId(), e.metrics(), e.dumpKey(), e.reliability(), provenance));
    }

    @Test
    void encodingGivesTheGoldenJsonAndDecodingTheGoldenJsonGivesTheExample() throws IOException {
        for (EventEnvelope example : List.of(trainingExample(), evaluationExample())) {
            String golden = text("/golden/provenance/" + example.type() + ".json");

            assertThat(EventCodec.json().readTree(EventCodec.encode(example)))
                    .isEqualTo(EventCodec.json().readTree(golden));
            assertThat(EventCodec.decode(golden)).isEqualTo(example);
        }
    }

    @Test
    void aThreadCountThatChangedIsARangeOnTheWireAndInTheEnvironmentLine() throws IOException {
        Provenance fixed = ((EvaluationCompleted) evaluationExample().payload()).provenance();
        Provenance varied = fixed.withThreads(1, 2);

        assertThat(varied.threads()).isEqualTo(2);
        assertThat(varied.threadsMin()).isEqualTo(1);
        assertThat(varied.environmentLine()).endsWith(", cpu Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz, 1-2 threads");
        String json = EventCodec.json().writeValueAsString(varied);
        assertThat(EventCodec.json().readTree(json).path("threadsMin").asInt()).isEqualTo(1);
        assertThat(EventCodec.json().readValue(json, Provenance.class)).isEqualTo(varied);
        // the same count throughout: no range, and the golden file's form (no threadsMin field)
        assertThat(fixed.withThreads(2, 2)).isEqualTo(fixed);
        assertThat(EventCodec.json()
                        .readTree(EventCodec.json().writeValueAsString(fixed))
                        .has("threadsMin"))
                .isFalse();
    }

    @Test
    void theHashesAreThoseComputedOutsideJava() throws IOException {
        Provenance p = ((TrainingFinished) trainingExample().payload()).provenance();

        // sha256sum of the canonical text {"augment":true,...,"weightDecay":5.0E-4} (keys sorted, no spaces)
        assertThat(p.configurationSha256())
                .isEqualTo("bec6f68513cd0ed94f6a2b17c3f212e97e7c686b6452071e07c836a91b215f6d");
        assertThat(p.datasetManifestSha256()).isEqualTo(MANIFEST_SHA256);
    }

    @Test
    void eventsWithoutProvenanceStillDecodeWithNull() throws IOException {
        for (String type : List.of(TrainingFinished.TYPE, EvaluationCompleted.TYPE)) {
            Event payload = EventCodec.decode(text("/golden/" + type + ".json")).payload();
            Provenance p = payload instanceof TrainingFinished f
                    ? f.provenance()
                    : ((EvaluationCompleted) payload).provenance();
            assertThat(p).as(type).isNull();
        }
        TrainingFinished fenced = (TrainingFinished)
                EventCodec.decode(text("/golden/fenced/training.finished.json")).payload();
        assertThat(fenced.fencingToken()).isEqualTo(4L);
        assertThat(fenced.provenance()).isNull();
    }

    @Test
    void theFencingTokenKeepsTheProvenance() throws IOException {
        TrainingFinished f = (TrainingFinished) trainingExample().payload();

        assertThat(f.withFencingToken(9).provenance()).isSameAs(f.provenance());
    }

    @Test
    void theEnvironmentLineNamesCommitLibrariesDeviceAndThreads() throws IOException {
        Provenance gpu = ((TrainingFinished) trainingExample().payload()).provenance();
        Provenance cpu = ((EvaluationCompleted) evaluationExample().payload()).provenance();

        assertThat(gpu.environmentLine())
                .isEqualTo("0.1.0-SNAPSHOT (git 8b4d6ae0c1f2), DJL 0.33.0, PyTorch 2.5.1,"
                        + " gpu NVIDIA A100-SXM4-40GB, CUDA 12.4, 8 threads");
        assertThat(cpu.environmentLine())
                .isEqualTo("0.1.0 (git unknown), DJL 0.33.0, PyTorch 2.5.1,"
                        + " cpu Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz, 2 threads");
        Provenance dirty = new Provenance(
                "0.1.0",
                "abcdef0123456789",
                true,
                "0.33.0",
                "2.5.1",
                "cpu",
                "x86_64",
                null,
                1,
                null,
                "17",
                "Linux",
                null,
                null,
                null);
        assertThat(dirty.environmentLine())
                .isEqualTo("0.1.0 (git abcdef012345-dirty), DJL 0.33.0, PyTorch 2.5.1, cpu x86_64, 1 thread");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ProvenanceTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String text(String name) throws IOException {
        return new String(resource(name), StandardCharsets.UTF_8);
    }
}
