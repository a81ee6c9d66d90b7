package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.testsupport.Required;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several trainer pods per GPU (NVIDIA time-slicing) and KEDA's cap: maxReplicaCount = GPUs x pods per GPU, the pods
 * per GPU equal to the device plugin's time-slicing replicas, and KEDA's lag threshold equal to the runs per pod.
 */
class GpuSharingTest {

    @Test
    void kedaCapIsGpusTimesPodsPerGpuAndMatchesTheTimeSlicingConfig() {
        JsonNode scaledObject =
                RenderedOverlay.of("gpu").ofKind("ScaledObject").findFirst().orElseThrow();
        JsonNode annotations = scaledObject.path("metadata").path("annotations");
        int gpus = Integer.parseInt(annotations.path("softcifar.io/gpus").asText());
        int podsPerGpu =
                Integer.parseInt(annotations.path("softcifar.io/pods-per-gpu").asText());
        assertThat(gpus).isPositive();
        assertThat(scaledObject.path("spec").path("maxReplicaCount").asInt()).isEqualTo(gpus * podsPerGpu);

        JsonNode deviceConfig = timeSlicingConfig();
        List<JsonNode> resources = RenderedOverlay.elements(
                        deviceConfig.path("sharing").path("timeSlicing").path("resources"))
                .toList();
        assertThat(resources).singleElement().satisfies(r -> {
            assertThat(r.path("name").asText()).isEqualTo("nvidia.com/gpu");
            assertThat(r.path("replicas").asInt())
                    .as("time-slicing replicas = trainer pods per GPU")
                    .isEqualTo(podsPerGpu);
        });
        assertThat(deviceConfig
                        .path("sharing")
                        .path("timeSlicing")
                        .path("renameByDefault")
                        .asBoolean())
                .as("the trainer asks for nvidia.com/gpu, so the shared resource must keep that name")
                .isFalse();
    }

    @Test
    void lagThresholdEqualsTheRunsEachTrainerPodTakes() {
        RenderedOverlay gpu = RenderedOverlay.of("gpu");
        JsonNode scaledObject = gpu.ofKind("ScaledObject").findFirst().orElseThrow();
        int runsPerPod = Integer.parseInt(scaledObject
                .path("metadata")
                .path("annotations")
                .path("softcifar.io/runs-per-pod")
                .asText());
        assertThat(scaledObject
                        .path("spec")
                        .path("triggers")
                        .get(0)
                        .path("metadata")
                        .path("lagThreshold")
                        .asText())
                .isEqualTo(String.valueOf(runsPerPod));
        assertThat(gpu.get("ConfigMap", "trainer-service")
                        .path("data")
                        .path("SOFTCIFAR_TRAINER_SLOTS")
                        .asText())
                .isEqualTo(String.valueOf(runsPerPod));
    }

    private static JsonNode timeSlicingConfig() {
        var kubectl = RepoFiles.onPath("kubectl");
        Required.present(kubectl.isPresent(), "kubectl is not on the PATH: deploy/k8s/gpu-sharing was NOT rendered");
        RepoFiles.Result result =
                RepoFiles.run(List.of(kubectl.get().toString(), "kustomize", "deploy/k8s/gpu-sharing"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode configMap = RepoFiles.documents(result.stdout()).get(0);
        assertThat(configMap.path("metadata").path("namespace").asText()).isEqualTo("gpu-operator");
        assertThat(BuiltInObjects.problems(configMap)).isEmpty();
        return RepoFiles.documents(configMap.path("data").path("any").asText()).get(0);
    }
}
