package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.testsupport.Required;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** One overlay rendered by {@code kubectl kustomize}, as parsed YAML documents. Rendered once per test JVM. */
record RenderedOverlay(String name, List<JsonNode> resources) {

    static final List<String> OVERLAYS = List.of("dev", "gpu");
    private static final Map<String, RenderedOverlay> CACHE = new ConcurrentHashMap<>();

    /** Renders deploy/k8s/overlays/NAME; skips the calling test when kubectl is not installed (fails with CI=true). */
    static RenderedOverlay of(String overlay) {
        Optional<Path> kubectl = RepoFiles.onPath("kubectl");
        Required.present(
                kubectl.isPresent(),
                "kubectl is not on the PATH: the Kustomize overlays were NOT"
                        + " rendered or checked (.ci/run installs it: apt-get install kubernetes-client)");
        return CACHE.computeIfAbsent(overlay, name -> {
            String dir = "deploy/k8s/overlays/" + name;
            RepoFiles.Result result = RepoFiles.run(List.of(kubectl.get().toString(), "kustomize", dir));
            assertThat(result.exitCode())
                    .as("kubectl kustomize %s failed:%n%s", dir, result.stderr())
                    .isZero();
            return new RenderedOverlay(name, RepoFiles.documents(result.stdout()));
        });
    }

    Stream<JsonNode> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.path("kind").asText()));
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind)
                .filter(r -> name.equals(r.path("metadata").path("name").asText()))
                .findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name)
                .orElseThrow(
                        () -> new AssertionError("overlay " + this.name + " renders no " + kind + " named " + name));
    }

    /** Deployments, StatefulSets and Jobs: everything that runs containers. */
    Stream<JsonNode> workloads() {
        return resources.stream()
                .filter(r -> List.of("Deployment", "StatefulSet", "Job", "DaemonSet")
                        .contains(r.path("kind").asText()));
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> all = new ArrayList<>();
        podSpec(workload).path("initContainers").forEach(all::add);
        podSpec(workload).path("containers").forEach(all::add);
        return all;
    }

    static String describe(JsonNode resource) {
        return resource.path("kind").asText() + "/"
                + resource.path("metadata").path("name").asText();
    }

    static Stream<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
