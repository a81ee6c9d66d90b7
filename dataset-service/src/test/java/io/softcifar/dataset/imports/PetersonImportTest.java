package io.softcifar.dataset.imports;

import static io.softcifar.dataset.imports.ImportFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.InputFile;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.data.shard.LabeledShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PetersonImportTest {

    private static final int N = 100;
    private static final int PER_BATCH = 12;

    @TempDir
    Path tmp;

    /** A folder with only the probabilities and the archive: the test images come out of the archive. */
    private LabeledImages[] folderWithArchive(Path dir) throws Exception {
        LabeledImages test = SyntheticData.images(N, 21);
        SoftLabels.write(dir.resolve("cifar10h-probs.npy"), SyntheticData.softLabels(test.labels(), 22));
        LabeledImages train = ImportFixtures.cifar10Archive(
                dir.resolve("cifar-10-binary.tar.gz"), PER_BATCH, test, tmp.resolve("scratch"));
        return new LabeledImages[] {test, train};
    }

    @Test
    void trainsOnTheCifar10hImagesAndTestsOnTheFiftyThousandTrainingImages() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        LabeledImages[] images = folderWithArchive(dir);
        DatasetSpec spec = ImportFixtures.withProtocol(spec(dir, 0L, 1L), DatasetSpec.PROTOCOL_PETERSON);
        ResolvedInputs inputs = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
        Path out = tmp.resolve("out");
        DatasetManifest m = new DatasetBuilder(25).build(spec, inputs, DatasetIds.compute(spec, inputs), out);

        assertThat(m.spec().splitRatios().test()).isZero();
        assertThat(m.inputs())
                .extracting(InputFile::name)
                .containsExactlyInAnyOrder("test_batch.bin", "cifar-10-binary.tar.gz", "cifar10h-probs.npy");
        assertThat(m.inputs())
                .filteredOn(i -> i.name().equals("test_batch.bin"))
                .singleElement()
                .extracting(InputFile::origin)
                .asString()
                .endsWith("cifar-10-binary.tar.gz!cifar-10-batches-bin/test_batch.bin");
        for (SeedEntry seed : m.seeds()) {
            assertThat(seed.split("train").orElseThrow().count()).isEqualTo(95);
            assertThat(seed.split("validation").orElseThrow().count()).isEqualTo(5);
            var testSplit = seed.split("test").orElseThrow();
            assertThat(testSplit.count()).isEqualTo(5 * PER_BATCH);
            assertThat(testSplit.meanEntropy()).isNull();
            assertThat(testSplit.shards()).hasSize(3);
            LabeledShard test = DatasetBuilderTest.load(out, testSplit);
            assertThat(test.indices())
                    .containsExactly(IntStream.range(0, 5 * PER_BATCH).toArray());
            assertThat(test.data().images().pixels()).isEqualTo(images[1].pixels()); // batches 1..5 in order
            assertThat(test.data().hardLabels()).containsExactly(images[1].labels()); // official labels
            for (int i = 0; i < test.count(); i++) {
                assertThat(test.data().softLabels().get(i, images[1].label(i))).isEqualTo(1.0);
            }
            LabeledShard train =
                    DatasetBuilderTest.load(out, seed.split("train").orElseThrow());
            for (int j = 0; j < train.count(); j++) {
                assertThat(train.data().images().image(j)).isEqualTo(images[0].image(train.indices()[j]));
            }
        }
    }

    @Test
    void aTruncatedArchiveIsReportedByNameAndNothingIsLeft() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        folderWithArchive(dir);
        SyntheticData.writeCifar10hFolder(dir, N, 21); // test_batch.bin in the folder: the archive is read in build()
        Path archive = dir.resolve("cifar-10-binary.tar.gz");
        ImportFixtures.truncate(archive, 0.6);
        DatasetSpec spec = ImportFixtures.withProtocol(spec(dir, 0L), DatasetSpec.PROTOCOL_PETERSON);
        // the archive's entries are read through when it is resolved, before anything is built
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith("sources.cifar10Archive: " + archive + " is truncated or corrupt (")
                .hasMessageEndingWith("); delete it and download cifar-10-binary.tar.gz again")
                .message()
                .doesNotContain("\n");
    }

    @Test
    void aTruncatedArchiveIsAlsoCaughtWhenTheTestImagesAreTakenFromIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        folderWithArchive(dir);
        Path archive = dir.resolve("cifar-10-binary.tar.gz");
        ImportFixtures.truncate(archive, 0.95);
        DatasetSpec spec = spec(dir, 0L);
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith("sources.cifar10Archive: " + archive + " is truncated or corrupt (");
        assertThat(ImportFixtures.absentOrEmpty(tmp.resolve("cache")))
                .as("files left in the cache")
                .isTrue();
    }

    @Test
    void anArchiveWithoutTheTrainingBatchesIsNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        SyntheticData.writeCifar10hFolder(dir, N, 21);
        Path archive = dir.resolve("cifar-10-binary.tar.gz");
        ImportFixtures.cifar100Archive(archive, 5, tmp.resolve("scratch")); // the wrong archive
        DatasetSpec spec = ImportFixtures.withProtocol(spec(dir, 0L), DatasetSpec.PROTOCOL_PETERSON);
        ResolvedInputs inputs = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> new DatasetBuilder().build(spec, inputs, "ds-test", out))
                .hasMessage("sources.cifar10Archive: " + archive + " has no data_batch_1.bin, data_batch_2.bin,"
                        + " data_batch_3.bin, data_batch_4.bin, data_batch_5.bin (expected the binary version,"
                        + " cifar-10-binary.tar.gz)");
        assertThat(Files.exists(out)).isFalse();
    }
}
