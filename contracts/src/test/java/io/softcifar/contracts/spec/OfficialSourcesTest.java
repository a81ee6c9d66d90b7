package io.softcifar.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.testsupport.Required;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfficialSourcesTest {

    /** The shared data folder beside the project: the official CIFAR-10H files and their checksums. */
    private static final Path SHARED = Path.of("..", "..", "shared", "data", "cifar10h");

    @Test
    void cifar10hChecksumsAreThoseOfTheSharedOfficialFiles() throws IOException {
        Path sums = SHARED.resolve("SHA256SUMS");
        Required.present(Files.isRegularFile(sums), sums.toAbsolutePath() + " is absent: checksums not compared");
        Map<String, String> byName = new HashMap<>();
        for (String line : Files.readAllLines(sums)) {
            String[] parts = line.trim().split("\\s+\\*?");
            if (parts.length == 2) {
                byName.put(parts[1], parts[0]);
            }
        }

        assertThat(OfficialSources.CIFAR10H_PROBS.sha256()).isEqualTo(byName.get("cifar10h-probs.npy"));
        assertThat(OfficialSources.CIFAR10H_COUNTS.sha256()).isEqualTo(byName.get("cifar10h-counts.npy"));
    }

    @Test
    void everyOfficialSourceIsAValidDownload() {
        for (DatasetInput input : DatasetInput.values()) {
            input.official().ifPresent(ref -> {
                Problems problems = new Problems();
                ref.validate(input.property(), problems);
                assertThat(problems.toList()).as(input.name()).isEmpty();
                assertThat(ref.url()).as(input.name()).endsWith("/" + input.fileName());
            });
        }
        assertThat(DatasetInput.CIFAR10_TEST.official()).isEmpty();
    }
}
