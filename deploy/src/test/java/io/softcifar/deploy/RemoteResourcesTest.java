package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Remote resources (the Strimzi operator's release file) are pinned by release, listed in deploy/README.md, and kept
 * out of the overlays, so that `kubectl kustomize` renders the overlays offline.
 */
class RemoteResourcesTest {

    /** Every remote resource of deploy/k8s, by the kustomization that names it. */
    static final Map<String, String> PINNED = Map.of(
            "deploy/k8s/operators/strimzi",
            "https://github.com/strimzi/strimzi-kafka-operator/releases/download/1.0.1/strimzi-cluster-operator-1.0.1.yaml");

    @Test
    void everyRemoteResourceIsAPinnedReleaseListedInTheReadme() {
        Map<String, String> found = new TreeMap<>();
        for (Path kustomization : kustomizations()) {
            for (String entry : entries(kustomization)) {
                if (isRemote(entry)) {
                    String dir = RepoFiles.root()
                            .relativize(kustomization.getParent())
                            .toString();
                    assertThat(found.put(dir, entry))
                            .as("one remote resource per kustomization")
                            .isNull();
                }
            }
        }
        assertThat(found).isEqualTo(PINNED);
        String readme = RepoFiles.read(RepoFiles.path("deploy/README.md"));
        found.values().forEach(url -> {
            assertThat(url).doesNotContain("latest").matches(".*/releases/download/\\d+\\.\\d+\\.\\d+/.*");
            assertThat(readme).as("deploy/README.md lists %s", url).contains(url);
        });
    }

    @Test
    void theOverlaysReachNoRemoteResource() {
        for (String overlay : RenderedOverlay.OVERLAYS) {
            List<String> remote = new ArrayList<>();
            collectRemote(RepoFiles.path("deploy/k8s/overlays/" + overlay), remote);
            assertThat(remote)
                    .as("remote resources reachable from overlay %s", overlay)
                    .isEmpty();
        }
    }

    private static void collectRemote(Path dir, List<String> remote) {
        Path kustomization = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(kustomization)) {
            return;
        }
        for (String entry : entries(kustomization)) {
            if (isRemote(entry)) {
                remote.add(entry);
            } else if (Files.isDirectory(dir.resolve(entry))) {
                collectRemote(dir.resolve(entry).normalize(), remote);
            }
        }
    }

    static boolean isRemote(String entry) {
        return entry.contains("://") || entry.startsWith("github.com/") || entry.startsWith("git@");
    }

    private static List<String> entries(Path kustomization) {
        JsonNode doc = RepoFiles.document(kustomization);
        List<String> all = new ArrayList<>();
        for (String field : List.of("resources", "bases", "components")) {
            RenderedOverlay.elements(doc.path(field)).map(JsonNode::asText).forEach(all::add);
        }
        return all;
    }

    private static List<Path> kustomizations() {
        try (Stream<Path> files = Files.walk(RepoFiles.path("deploy/k8s"))) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
