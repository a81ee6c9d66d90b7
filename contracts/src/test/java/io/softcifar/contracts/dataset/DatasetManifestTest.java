package io.softcifar.contracts.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.spec.SplitRatios;
import io.softcifar.contracts.storage.ObjectKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest is a file in the bucket that other services read: its JSON is pinned like an event's. */
class DatasetManifestTest {

    static DatasetManifest example() {
        String ds = "ds-3c1f9a2b";
        return new DatasetManifest(
                1,
                ds,
                Instant.parse("2026-11-28T10:20:00Z"),
                new DatasetSpec(
                        "cifar10h-split",
                        Sources.fromDir("/data/cifar10h"),
                        new SplitRatios(0.8, 0.05, 0.15),
                        List.of(0L),
                        List.of("soft", "hard"),
                        null,
                        List.of("svhn"),
                        100),
                List.of(
                        new InputFile(
                                "test_batch.bin",
                                "0ce179d0c0a5220739d6223197952896644ceabb648dacfdebd7f06789af543f",
                                30_730_000L,
                                "/data/cifar10h/test_batch.bin"),
                        new InputFile(
                                "cifar10h-probs.npy",
                                "436ae98620e00073f9d08585ac870573b588853e7af9f54eb1647408114af77d",
                                800_128L,
                                "/data/cifar10h/cifar10h-probs.npy")),
                List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                10,
                List.of(3, 32, 32),
                List.of(new SeedEntry(
                        0,
                        List.of(0.5, 0.25, 0.125),
                        List.of(0.25, 0.25, 0.25),
                        Map.of(
                                "train",
                                        new SplitEntry(
                                                80,
                                                List.of(8, 8, 8, 8, 8, 8, 8, 8, 8, 8),
                                                0.15625,
                                                List.of(new Shard(
                                                        ObjectKeys.shard(ds, 0, "train", 0),
                                                        "a".repeat(64),
                                                        250_000L,
                                                        80))),
                                "validation",
                                        new SplitEntry(
                                                5,
                                                List.of(1, 0, 1, 0, 1, 0, 1, 0, 1, 0),
                                                0.125,
                                                List.of(new Shard(
                                                        ObjectKeys.shard(ds, 0, "validation", 0),
                                                        "b".repeat(64),
                                                        16_000L,
                                                        5))),
                                "test",
                                        new SplitEntry(
                                                15,
                                                List.of(1, 2, 1, 2, 1, 2, 1, 2, 1, 2),
                                                0.1875,
                                                List.of(new Shard(
                                                        ObjectKeys.shard(ds, 0, "test", 0),
                                                        "c".repeat(64),
                                                        47_000L,
                                                        15)))))),
                Map.of(
                        "svhn",
                        new OodEntry(
                                26_032,
                                List.of(new Shard(
                                        ObjectKeys.oodShard(ds, "svhn", 0), "d".repeat(64), 79_974_400L, 26_032)))),
                new DatasetStatistics(
                        100,
                        List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
                        List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
                        0.15625,
                        0.5,
                        0.99));
    }

    @Test
    void writesTheGoldenJson() throws IOException {
        assertThat(EventCodec.json().readTree(example().toJson()))
                .isEqualTo(EventCodec.json().readTree(golden()));
    }

    @Test
    void readsTheGoldenJson() throws IOException {
        DatasetManifest manifest = DatasetManifest.parse(golden());

        assertThat(manifest).isEqualTo(example());
        assertThat(manifest.spec().validate()).isEmpty();
        assertThat(manifest.forSeed(0)
                        .flatMap(s -> s.split(DatasetManifest.SPLIT_TEST))
                        .orElseThrow()
                        .count())
                .isEqualTo(15);
        assertThat(manifest.forSeed(1)).isEmpty();
    }

    @Test
    void newerFormatsAreRefused() throws IOException {
        ObjectNode tree = (ObjectNode) EventCodec.json().readTree(golden());
        tree.put("formatVersion", 2);

        assertThatThrownBy(() -> DatasetManifest.parse(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("manifest of ds-3c1f9a2b: formatVersion 2 is not supported (this reader knows 1..1; "
                        + "update the service)");
    }

    @Test
    void missingFieldsAreNamedWithTheirPath() throws IOException {
        ObjectNode tree = (ObjectNode) EventCodec.json().readTree(golden());
        ((ObjectNode) tree.get("seeds")
                        .get(0)
                        .get("splits")
                        .get("test")
                        .get("shards")
                        .get(0))
                .remove("sha256");

        assertThatThrownBy(() -> DatasetManifest.parse(tree.toString()))
                .isInstanceOf(JsonDecodingException.class)
                .hasMessage("DatasetManifest: missing field seeds[0].splits.test.shards[0].sha256");
    }

    @Test
    void petersonTestSplitHasNoMeanEntropy() {
        SplitEntry test = new SplitEntry(
                50_000, List.of(5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000), null, List.of());

        assertThat(EventCodec.fromJson(EventCodec.toJson(test), SplitEntry.class))
                .isEqualTo(test);
        assertThat(EventCodec.toJson(test)).doesNotContain("meanEntropy");
    }

    @Test
    void summaryIsTakenFromTheManifest() {
        DatasetSummary summary = DatasetSummary.of(example());

        assertThat(summary)
                .isEqualTo(new DatasetSummary(
                        100,
                        List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
                        0.15625,
                        List.of(0L),
                        Map.of("train", 80, "validation", 5, "test", 15)));
    }

    private static String golden() throws IOException {
        try (InputStream in = DatasetManifestTest.class.getResourceAsStream("/golden/manifest.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
