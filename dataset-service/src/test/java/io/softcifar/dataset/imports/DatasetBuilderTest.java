package io.softcifar.dataset.imports;

import static io.softcifar.dataset.imports.ImportFixtures.folder;
import static io.softcifar.dataset.imports.ImportFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.ml.data.Cifar10Binary;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.SvhnMat;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.data.shard.OodShard;
import io.softcifar.ml.data.shard.ShardFile;
import io.softcifar.ml.data.shard.ShardedSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {

    private static final int N = 200;

    @TempDir
    Path tmp;

    private Path data() {
        return folder(tmp.resolve("data"), N, 11);
    }

    private DatasetManifest build(DatasetSpec spec, Path out, int maxPerShard) {
        ResolvedInputs inputs = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
        return new DatasetBuilder(maxPerShard).build(spec, inputs, DatasetIds.compute(spec, inputs), out);
    }

    static LabeledShard load(Path out, SplitEntry split) {
        return ShardedSplit.load(split.shards().stream()
                .map(s -> new ShardFile(out.resolve(s.key()), s.sha256()))
                .toList());
    }

    /** Entropy in nats, written out here rather than taken from the code under test. */
    private static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            h += x > 0 ? -x * Math.log(x) : 0;
        }
        return h;
    }

    @Test
    void splitsAre80_5_15PerSeedInShardsWithChecksumsAndAManifest() throws Exception {
        Path dir = data();
        Path out = tmp.resolve("out");
        DatasetManifest m = build(spec(dir, 0L, 7L), out, 64);
        LabeledImages source = Cifar10Binary.read(dir.resolve("test_batch.bin"));
        SoftLabels probs = SoftLabels.read(dir.resolve("cifar10h-probs.npy"));

        assertThat(m.datasetId()).matches("ds-[0-9a-f]{20}");
        assertThat(m.seeds()).extracting(SeedEntry::seed).containsExactly(0L, 7L);
        assertThat(m.numClasses()).isEqualTo(10);
        assertThat(m.imageShape()).containsExactly(3, 32, 32);
        assertThat(m.inputs())
                .extracting(i -> i.name())
                .containsExactlyInAnyOrder("test_batch.bin", "cifar10h-probs.npy");
        List<Set<Integer>> trainSets = new ArrayList<>();
        for (SeedEntry seed : m.seeds()) {
            SplitEntry train = seed.split("train").orElseThrow();
            SplitEntry val = seed.split("validation").orElseThrow();
            SplitEntry test = seed.split("test").orElseThrow();
            assertThat(List.of(train.count(), val.count(), test.count())).containsExactly(160, 10, 30);
            assertThat(train.shards()).extracting(Shard::count).containsExactly(64, 64, 32);
            assertThat(train.shards().get(0).key())
                    .isEqualTo("datasets/" + m.datasetId() + "/seed-" + seed.seed() + "/train-00000.npz");
            Set<Integer> all = new HashSet<>();
            for (SplitEntry split : List.of(train, val, test)) {
                for (Shard s : split.shards()) {
                    byte[] bytes = Files.readAllBytes(out.resolve(s.key()));
                    assertThat(bytes.length).isEqualTo(s.bytes());
                    assertThat(HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(bytes)))
                            .isEqualTo(s.sha256());
                }
                LabeledShard back = load(out, split);
                assertThat(back.count()).isEqualTo(split.count());
                int[] hardCounts = new int[10];
                for (int j = 0; j < back.count(); j++) {
                    int i = back.indices()[j];
                    assertThat(all.add(i)).as("index %d in two splits", i).isTrue();
                    assertThat(back.data().images().image(j)).isEqualTo(source.image(i));
                    assertThat(back.data().softLabels().row(j))
                            .containsExactly(
                                    Arrays.stream(probs.row(i))
                                            .map(p -> (float) p)
                                            .toArray(),
                                    within(0.0));
                    hardCounts[back.data().hardLabel(j)]++;
                }
                assertThat(split.classCounts())
                        .containsExactly(Arrays.stream(hardCounts).boxed().toArray(Integer[]::new));
            }
            assertThat(all).hasSize(N);
            Set<Integer> trainIdx = new HashSet<>();
            Arrays.stream(load(out, train).indices()).forEach(trainIdx::add);
            trainSets.add(trainIdx);

            // per-channel mean of the train images, pixel/255, summed here by hand
            double[] sum = new double[3];
            for (int i : trainIdx) {
                for (int c = 0; c < 3; c++) {
                    for (int k = 0; k < 1024; k++) {
                        sum[c] += source.pixels()[i * 3072 + c * 1024 + k] & 0xFF;
                    }
                }
            }
            for (int c = 0; c < 3; c++) {
                assertThat(seed.trainMean().get(c)).isCloseTo(sum[c] / (160 * 1024 * 255.0), within(1e-12));
            }
        }
        assertThat(trainSets.get(0)).isNotEqualTo(trainSets.get(1)); // seeds give different splits

        Path manifestFile = out.resolve("datasets/" + m.datasetId() + "/manifest.json");
        DatasetManifest parsed = DatasetManifest.parse(Files.readString(manifestFile));
        assertThat(parsed.seeds()).isEqualTo(m.seeds());
        assertThat(parsed.statistics()).isEqualTo(m.statistics());
    }

    @Test
    void statisticsComeFromTheHumanLabelsOfAllImages() {
        Path dir = data();
        DatasetManifest m = build(spec(dir, 0L), tmp.resolve("out"), 5000);
        LabeledImages source = Cifar10Binary.read(dir.resolve("test_batch.bin"));
        double[][] p = SoftLabels.read(dir.resolve("cifar10h-probs.npy")).toArray();
        int[] official = new int[10];
        int[] hard = new int[10];
        double entropy = 0;
        int uncertain = 0;
        int agree = 0;
        for (int i = 0; i < N; i++) {
            official[source.label(i)]++;
            int a = 0;
            for (int k = 1; k < 10; k++) {
                a = p[i][k] > p[i][a] ? k : a;
            }
            hard[a]++;
            entropy += entropy(p[i]);
            uncertain += p[i][a] < 1 ? 1 : 0;
            agree += a == source.label(i) ? 1 : 0;
        }
        var s = m.statistics();
        assertThat(s.images()).isEqualTo(N);
        assertThat(s.officialClassCounts())
                .containsExactly(Arrays.stream(official).boxed().toArray(Integer[]::new));
        assertThat(s.hardClassCounts())
                .containsExactly(Arrays.stream(hard).boxed().toArray(Integer[]::new));
        assertThat(s.meanEntropy()).isCloseTo(entropy / N, within(1e-12));
        assertThat(s.fractionUncertain()).isEqualTo(uncertain / (double) N);
        assertThat(s.agreementWithOfficial()).isEqualTo(agree / (double) N);
    }

    @Test
    void sameDataGiveTheSameIdFromAnyFolderAndOtherDataOrSpecsAnother() throws Exception {
        Path dir = data();
        SourceResolver resolver = ImportFixtures.resolver(tmp.resolve("cache"));
        DatasetSpec spec = spec(dir, 0L);
        String id = DatasetIds.compute(spec, resolver.resolve(spec));
        assertThat(DatasetIds.compute(spec, resolver.resolve(spec))).isEqualTo(id);

        Path copy = ImportFixtures.copyFolder(dir, tmp.resolve("elsewhere/copy"));
        assertThat(DatasetIds.compute(spec(copy, 0L), resolver.resolve(spec(copy, 0L))))
                .isEqualTo(id);

        Path other = folder(tmp.resolve("other"), N, 12);
        assertThat(DatasetIds.compute(spec(other, 0L), resolver.resolve(spec(other, 0L))))
                .isNotEqualTo(id);
        assertThat(DatasetIds.compute(spec(dir, 1L), resolver.resolve(spec(dir, 1L))))
                .isNotEqualTo(id);
        DatasetSpec limited = ImportFixtures.withLimit(spec, 100);
        assertThat(DatasetIds.compute(limited, resolver.resolve(limited))).isNotEqualTo(id);

        // and building twice gives the same shards, byte for byte
        DatasetManifest a = new DatasetBuilder().build(spec, resolver.resolve(spec), id, tmp.resolve("a"));
        DatasetManifest b =
                new DatasetBuilder().build(spec(copy, 0L), resolver.resolve(spec(copy, 0L)), id, tmp.resolve("b"));
        assertThat(a.seeds()).isEqualTo(b.seeds());
    }

    @Test
    void limitUsesTheFirstImagesOnly() {
        Path dir = data();
        DatasetManifest m = build(ImportFixtures.withLimit(spec(dir, 3L), 40), tmp.resolve("out"), 5000);
        assertThat(m.statistics().images()).isEqualTo(40);
        SeedEntry seed = m.seeds().get(0);
        assertThat(List.of(
                        seed.split("train").orElseThrow().count(),
                        seed.split("validation").orElseThrow().count(),
                        seed.split("test").orElseThrow().count()))
                .containsExactly(32, 2, 6);
        Set<Integer> all = new HashSet<>();
        for (String name : DatasetManifest.SPLITS) {
            Arrays.stream(load(tmp.resolve("out"), seed.split(name).orElseThrow())
                            .indices())
                    .forEach(all::add);
        }
        assertThat(all).isEqualTo(new HashSet<>(IntStream.range(0, 40).boxed().toList()));
    }

    @Test
    void entropyThresholdMakesConfidentLabelsOneHotInTheShardsOnly() {
        Path dir = data();
        double threshold = 0.5;
        Path out = tmp.resolve("out");
        DatasetManifest m = build(ImportFixtures.withThreshold(spec(dir, 0L), threshold), out, 5000);
        DatasetManifest plain = build(spec(dir, 0L), tmp.resolve("plain"), 5000);
        double[][] p = SoftLabels.read(dir.resolve("cifar10h-probs.npy")).toArray();
        assertThat(m.statistics()).isEqualTo(plain.statistics()); // statistics describe the human labels
        assertThat(m.datasetId()).isNotEqualTo(plain.datasetId());

        LabeledShard train = load(out, m.seeds().get(0).split("train").orElseThrow());
        int replaced = 0;
        int kept = 0;
        double stored = 0;
        for (int j = 0; j < train.count(); j++) {
            double[] human = p[train.indices()[j]];
            double[] got = train.data().softLabels().row(j);
            stored += entropy(got);
            if (entropy(human) < threshold) {
                double[] oneHot = new double[10];
                oneHot[train.data().hardLabel(j)] = 1;
                assertThat(got).containsExactly(oneHot, within(0.0));
                replaced += entropy(human) > 0 ? 1 : 0;
            } else {
                assertThat(got)
                        .containsExactly(
                                Arrays.stream(human).map(x -> (float) x).toArray(), within(0.0));
                kept++;
            }
        }
        assertThat(replaced).isPositive();
        assertThat(kept).isPositive();
        assertThat(m.seeds().get(0).split("train").orElseThrow().meanEntropy())
                .isCloseTo(stored / train.count(), within(1e-6))
                .isLessThan(plain.seeds().get(0).split("train").orElseThrow().meanEntropy());
    }

    @Test
    void oodSetsAreStoredCompleteFromTheFolder() throws Exception {
        Path dir = data();
        SyntheticData.writeSvhnTest(dir.resolve("test_32x32.mat"), 70, 5);
        LabeledImages cifar100 =
                ImportFixtures.cifar100Archive(dir.resolve("cifar-100-binary.tar.gz"), 45, tmp.resolve("scratch"));
        Path out = tmp.resolve("out");
        DatasetManifest m = build(ImportFixtures.withOod(spec(dir, 0L), "svhn", "cifar100"), out, 32);

        assertThat(m.ood()).containsOnlyKeys("svhn", "cifar100");
        assertThat(m.ood().get("svhn").count()).isEqualTo(70);
        assertThat(m.ood().get("svhn").shards())
                .extracting(Shard::key)
                .containsExactly(
                        "datasets/" + m.datasetId() + "/ood/svhn-00000.npz",
                        "datasets/" + m.datasetId() + "/ood/svhn-00001.npz",
                        "datasets/" + m.datasetId() + "/ood/svhn-00002.npz");
        OodShard svhn = ShardedSplit.loadOod(m.ood().get("svhn").shards().stream()
                .map(s -> new ShardFile(out.resolve(s.key()), s.sha256()))
                .toList());
        assertThat(svhn.images().pixels())
                .isEqualTo(SvhnMat.read(dir.resolve("test_32x32.mat")).pixels());
        assertThat(svhn.indices()).containsExactly(IntStream.range(0, 70).toArray());
        OodShard c100 = ShardedSplit.loadOod(m.ood().get("cifar100").shards().stream()
                .map(s -> new ShardFile(out.resolve(s.key()), s.sha256()))
                .toList());
        assertThat(c100.images().pixels()).isEqualTo(cifar100.pixels());
        assertThat(m.inputs()).extracting(i -> i.name()).contains("test_32x32.mat", "cifar-100-binary.tar.gz");
    }

    @Test
    void aNonEmptyOutputDirIsRefusedAndLeftAlone() throws Exception {
        Path dir = data();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        DatasetSpec spec = spec(dir, 0L);
        ResolvedInputs inputs = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
        assertThatThrownBy(() -> new DatasetBuilder().build(spec, inputs, DatasetIds.compute(spec, inputs), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outputDir: " + out + " is not empty (a build must start from an empty or absent folder)");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
    }
}
