package io.softcifar.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.dataset.InputFile;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.testsupport.Required;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol's dataset from the real CIFAR-10H development copy ({@code ../shared/data/cifar10h}), checked against the
 * published figures of its README: 10,000 images, 1,000 per official class, mean entropy 0.1545 nats, 56.07 % uncertain,
 * 99.21 % agreement with the official labels; and the 8,000 / 500 / 1,500 split. Skipped where the copy is absent
 * (fails instead with {@code CI=true}).
 */
class RealDataImportTest {

    @TempDir
    Path tmp;

    @Test
    void theProtocolDatasetHasThePublishedStatistics() {
        Optional<Path> shared = Cifar10hFolder.findSharedCopy();
        Required.present(
                shared.isPresent(),
                "no ../shared/data/cifar10h (real CIFAR-10H copy) here: real-data import test skipped");
        DatasetSpec spec = DatasetSpec.protocol(Sources.fromDir(shared.get().toString()));
        ResolvedInputs inputs =
                ImportFixtures.resolver(tmp.resolve("cache"), shared.get()).resolve(spec);
        DatasetManifest m =
                new DatasetBuilder().build(spec, inputs, DatasetIds.compute(spec, inputs), tmp.resolve("out"));

        DatasetStatistics s = m.statistics();
        assertThat(s.images()).isEqualTo(10_000);
        assertThat(s.officialClassCounts()).isEqualTo(Collections.nCopies(10, 1_000));
        assertThat(s.meanEntropy()).isCloseTo(0.1545, within(5e-5));
        assertThat(s.fractionUncertain()).isCloseTo(0.5607, within(5e-5));
        assertThat(s.agreementWithOfficial()).isCloseTo(0.9921, within(5e-5));
        assertThat(s.hardClassCounts().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(10_000);
        SeedEntry seed = m.seeds().get(0);
        assertThat(List.of(
                        seed.split("train").orElseThrow().count(),
                        seed.split("validation").orElseThrow().count(),
                        seed.split("test").orElseThrow().count()))
                .containsExactly(8_000, 500, 1_500);
        assertThat(seed.split("train").orElseThrow().shards()).hasSize(2);
        // the counts file of the copy was found and agreed with the probabilities
        assertThat(m.inputs()).extracting(InputFile::name).contains("cifar10h-counts.npy");
    }
}
