package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered object against the API a current cluster serves: custom resources against their CRDs' JSON schemas
 * (Strimzi v1, KEDA), built-in objects through the fabric8 Kubernetes model. Issue 16: the v1beta2 Strimzi resources
 * rendered fine and would have been refused by Strimzi 1.0.
 */
class ManifestSchemasTest {

    static List<String> overlays() {
        return RenderedOverlay.OVERLAYS;
    }

    @ParameterizedTest(name = "{0}: every custom resource is valid against its CRD schema")
    @MethodSource("overlays")
    void everyCustomResourceMatchesItsSchema(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        CustomResourceSchemas.requirePresent();
        List<JsonNode> custom = rendered.resources().stream()
                .filter(CustomResourceSchemas::isCustom)
                .toList();
        Set<String> kinds = custom.stream().map(r -> r.path("kind").asText()).collect(Collectors.toSet());
        Set<String> expected = overlay.equals("gpu")
                ? Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ScaledObject", "TriggerAuthentication")
                : Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser");
        assertThat(kinds).as("custom resource kinds of %s", overlay).isEqualTo(expected);
        List<String> problems = new ArrayList<>();
        custom.forEach(resource -> problems.addAll(CustomResourceSchemas.problems(resource)));
        assertThat(problems).as("schema violations in %s", overlay).isEmpty();
        assertThat(custom)
                .filteredOn(r -> r.path("apiVersion").asText().startsWith("kafka.strimzi.io/"))
                .allSatisfy(r -> assertThat(r.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1"));
    }

    @ParameterizedTest(name = "{0}: every built-in object parses with the fabric8 model at a served API version")
    @MethodSource("overlays")
    void everyBuiltInObjectParsesWithTheKubernetesModel(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> builtIn = rendered.resources().stream()
                .filter(r -> !CustomResourceSchemas.isCustom(r))
                .toList();
        assertThat(builtIn).hasSizeGreaterThan(20);
        List<String> problems = new ArrayList<>();
        builtIn.forEach(resource -> problems.addAll(BuiltInObjects.problems(resource)));
        assertThat(problems).as("built-in objects of %s", overlay).isEmpty();
    }

    // ---- the checks can fail: hand-written objects with the faults issue 16 is about

    @Test
    void aStrimziResourceOfTheRemovedV1beta2ApiIsRejected() {
        CustomResourceSchemas.requirePresent();
        JsonNode topic = yaml("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 1, replicas: 1}
                """);
        assertThat(CustomResourceSchemas.problems(topic))
                .singleElement()
                .asString()
                .contains("no schema")
                .contains("kafka.strimzi.io/v1beta2");
    }

    @Test
    void zookeeperFieldsAndMisspeltFieldsFailTheKafkaSchema() {
        CustomResourceSchemas.requirePresent();
        JsonNode kafka = yaml("""
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: k}
                spec:
                  kafka:
                    version: 4.1.2
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                  zookeeper: {replicas: 1, storage: {type: ephemeral}}
                """);
        assertThat(CustomResourceSchemas.problems(kafka))
                .anySatisfy(p -> assertThat(p).contains("zookeeper"));
        JsonNode topic = yaml("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitons: 3}
                """);
        assertThat(CustomResourceSchemas.problems(topic))
                .anySatisfy(p -> assertThat(p).contains("partitons"));
        JsonNode valid = yaml("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 3, replicas: 1, config: {retention.ms: 1000}}
                """);
        assertThat(CustomResourceSchemas.problems(valid)).isEmpty();
    }

    @Test
    void removedApiVersionsAndUnknownFieldsFailTheModelCheck() {
        JsonNode oldBudget = yaml("""
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: p}
                spec: {maxUnavailable: 1}
                """);
        assertThat(BuiltInObjects.problems(oldBudget))
                .singleElement()
                .asString()
                .contains("policy/v1beta1");
        JsonNode typo = yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i:1
                          resource: {limits: {cpu: "1"}}
                """);
        assertThat(BuiltInObjects.problems(typo))
                .singleElement()
                .asString()
                .contains("containers[0]")
                .contains("resource");
        JsonNode clean = yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i:1
                          resources: {limits: {cpu: "1", memory: 1Gi}}
                """);
        assertThat(BuiltInObjects.problems(clean)).isEmpty();
    }

    private static JsonNode yaml(String text) {
        return RepoFiles.documents(text).get(0);
    }
}
