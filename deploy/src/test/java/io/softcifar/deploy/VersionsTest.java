package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;

/**
 * One Kafka version everywhere (the kafka-clients jar the services use, from the Quarkus BOM, is the source), one S3
 * server image everywhere, and a Strimzi release that runs that Kafka version.
 */
class VersionsTest {

    /**
     * Kafka versions each pinned Strimzi release runs: the image list of the 1.0.0 release notes (4.1.2 added there);
     * 1.0.1 is a patch release of that line (its own list was not seen here); 1.1.0 removed 4.1.x.
     */
    static final Map<String, Set<String>> STRIMZI_KAFKA_VERSIONS =
            Map.of("1.0.1", Set.of("4.1.0", "4.1.1", "4.1.2", "4.2.0"));

    private static final Pattern STRIMZI_RELEASE = Pattern.compile("/releases/download/(\\d+\\.\\d+\\.\\d+)/");
    private static final String CONTAINERS_BACKEND =
            "test-support/src/main/java/io/softcifar/testsupport/ContainersBackend.java";

    @Test
    void brokerVersionsEqualTheClientVersionAndTheStrimziReleaseRunsIt() {
        String clients = AppInfoParser.getVersion();
        assertThat(clients).matches("\\d+\\.\\d+\\.\\d+");
        JsonNode kafka =
                RepoFiles.documents(RepoFiles.read(RepoFiles.path("deploy/k8s/base/kafka/kafka.yaml"))).stream()
                        .filter(d -> d.path("kind").asText().equals("Kafka"))
                        .findFirst()
                        .orElseThrow();
        JsonNode spec = kafka.path("spec").path("kafka");
        assertThat(spec.path("version").asText())
                .as("Kafka resource vs kafka-clients")
                .isEqualTo(clients);
        assertThat(MetadataVersion.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .as("the broker jar is of the client's version")
                .endsWith("kafka-server-common-" + clients + ".jar");
        assertThat(spec.path("metadataVersion").asText())
                .as("the newest production metadata version of the broker jar %s", clients)
                .isEqualTo(MetadataVersion.LATEST_PRODUCTION.version());
        assertThat(ComposeFilesTest.services(ComposeFilesTest.BASE)
                        .get("kafka")
                        .path("image")
                        .asText())
                .isEqualTo("apache/kafka:" + clients);
        assertThat(RepoFiles.read(RepoFiles.path(CONTAINERS_BACKEND))).contains("\"apache/kafka:" + clients + "\"");

        Matcher release = STRIMZI_RELEASE.matcher(RemoteResourcesTest.PINNED.get("deploy/k8s/operators/strimzi"));
        assertThat(release.find()).isTrue();
        assertThat(STRIMZI_KAFKA_VERSIONS.get(release.group(1)))
                .as("Kafka versions of Strimzi %s", release.group(1))
                .contains(clients);
    }

    @Test
    void theS3ServerImageIsTheSameEverywhereAndPinnedByDigest() {
        String compose = ComposeFilesTest.services(ComposeFilesTest.BASE)
                .get("s3")
                .path("image")
                .asText();
        assertThat(Images.hasDigest(compose)).as(compose).isTrue();
        assertThat(ComposeFilesTest.services(ComposeFilesTest.BASE)
                        .get(ComposeFilesTest.INIT)
                        .path("image")
                        .asText())
                .isEqualTo(compose);
        for (String overlay : RenderedOverlay.OVERLAYS) {
            RenderedOverlay rendered = RenderedOverlay.of(overlay);
            Set<String> images =
                    List.of(rendered.get("StatefulSet", "s3"), rendered.get("Job", "s3-bucket-init")).stream()
                            .flatMap(w -> RenderedOverlay.containers(w).stream())
                            .map(c -> c.path("image").asText())
                            .collect(Collectors.toSet());
            assertThat(images).as("S3 images of %s", overlay).containsExactly(compose);
        }
        assertThat(RepoFiles.read(RepoFiles.path(CONTAINERS_BACKEND)).replaceAll("\"\\s*\\+?\\s*\"|\\s", ""))
                .as("ContainersBackend.S3_IMAGE")
                .contains("\"" + compose + "\"");
    }
}
