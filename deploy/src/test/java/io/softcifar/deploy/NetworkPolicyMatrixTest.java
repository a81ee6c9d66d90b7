package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.deploy.NetworkPolicyEvaluator.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: only the intended pods reach Kafka and the S3 server. The rendered NetworkPolicies of each overlay go
 * through {@link NetworkPolicyEvaluator} for every workload pod template plus pods that are not ours, and the
 * resulting "who reaches what" matrix must equal the design exactly.
 *
 * <p>Assumptions about what the overlays do not render:
 * <ul>
 * <li>The Kafka broker pods carry the labels Strimzi 1.0 gives them ({@code strimzi.io/cluster: softcifar},
 * {@code strimzi.io/kind: Kafka}, {@code strimzi.io/name: softcifar-kafka}, {@code strimzi.io/pool-name}); Strimzi
 * writes a NetworkPolicy selecting them with, per listener, one ingress rule for its port whose peers are the
 * listener's {@code networkPolicyPeers} (no peers: open to all), and one for the control-plane and replication ports
 * (9090/9091) from the Kafka nodes; Strimzi's further peers there (its operators, the exporter) are not
 * modelled.</li>
 * <li>Pods that are not ours: an unlabelled pod in {@code softcifar}, Prometheus and Grafana in {@code monitoring},
 * KEDA's operator in {@code keda}, a pod in {@code default}; pod IPs in 10.244.0.0/16, the internet 93.184.216.34.</li>
 * <li>Namespaces carry {@code kubernetes.io/metadata.name} (Kubernetes ≥ 1.22 sets it).</li>
 * </ul>
 */
class NetworkPolicyMatrixTest {

    static final String NAMESPACE = "softcifar";
    static final List<String> SERVICES =
            List.of("results-service", "dataset-service", "trainer-service", "evaluator-service");
    static final int KAFKA_PORT = 9093;
    static final int S3_PORT = 8333;
    /** weed shell's master and filer ports, HTTP and gRPC: what the bucket-init Job needs. */
    static final List<Integer> S3_ADMIN_PORTS = List.of(9333, 19333, 8888, 18888);

    static final Pod INTERNET = Pod.outside("internet", "93.184.216.34");

    static List<String> overlays() {
        return RenderedOverlay.OVERLAYS;
    }

    @ParameterizedTest(name = "{0}: only the four services (and KEDA) reach Kafka, only the services S3's API")
    @MethodSource("overlays")
    void onlyTheIntendedPodsReachKafkaAndS3(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        Map<String, Set<String>> matrix = matrix(rendered, policies(rendered));

        Set<String> services = new TreeSet<>(SERVICES);
        Set<String> kafkaClients = new TreeSet<>(services);
        kafkaClients.add("keda-operator"); // networkPolicyPeers: the ScaledObject's lag polling (gpu overlay)
        assertThat(matrix.get("kafka:" + KAFKA_PORT))
                .as("%s: who reaches the Kafka listener", overlay)
                .containsExactlyInAnyOrderElementsOf(kafkaClients);
        assertThat(matrix.get("s3:8333"))
                .as("%s: who reaches the S3 API", overlay)
                .containsExactlyInAnyOrderElementsOf(services);
        for (int port : S3_ADMIN_PORTS) {
            assertThat(matrix.get("s3:" + port))
                    .as("%s: who reaches the S3 server's admin port %d", overlay, port)
                    .containsExactly("s3-bucket-init");
        }
        // not the broker: kafka-egress lets it reach its cluster's pods and DNS only
        assertThat(matrix.get("internet:443"))
                .as("%s: which of our pods reach the internet", overlay)
                .containsExactly("dataset-service");
        assertThat(matrix.get("broker-peer:9091"))
                .as("%s: who reaches another node of the cluster", overlay)
                .containsExactlyInAnyOrder("softcifar-combined-0", "kafka-broker-egress-check");
        // every pod of the rendered overlay was in the matrix: nothing ours was left out
        assertThat(pods(rendered).stream().map(Pod::name))
                .containsAll(services)
                .contains("s3", "s3-bucket-init", "softcifar-combined-0");
    }

    @ParameterizedTest(name = "{0}: the matrix check fails on weakened policies")
    @MethodSource("overlays")
    void weakenedPoliciesChangeTheMatrix(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> policies = policies(rendered);

        // without kafka-egress the broker reaches the internet again (Strimzi's policy isolates ingress only)
        assertThat(matrix(rendered, without(policies, "kafka-egress")).get("internet:443"))
                .containsExactlyInAnyOrder("dataset-service", "softcifar-combined-0");
        // without the deny-all, the S3 server (which no other policy isolates for egress) reaches the internet
        assertThat(matrix(rendered, without(policies, "default-deny")).get("internet:443"))
                .contains("dataset-service", "s3");
        // without the deny-all and s3-ingress, any pod of the namespace reaches the S3 API and its admin ports; not the
        // broker, whose egress kafka-egress limits, unless that goes too
        Map<String, Set<String>> openS3 = matrix(rendered, without(without(policies, "default-deny"), "s3-ingress"));
        assertThat(openS3.get("s3:8333"))
                .contains("unlabelled", "prometheus")
                .doesNotContain("kafka-broker-egress-check")
                .isNotEqualTo(matrix(rendered, policies).get("s3:8333"));
        assertThat(matrix(rendered, without(without(without(policies, "default-deny"), "s3-ingress"), "kafka-egress"))
                        .get("s3:8333"))
                .contains("kafka-broker-egress-check");
        assertThat(openS3.get("s3:9333")).contains("unlabelled", "prometheus");
        // a Kafka listener without networkPolicyPeers is open to every pod (Strimzi's rule)
        Map<String, Set<String>> openKafka = matrix(rendered, with(policies, kafkaListenerPolicy(rendered, listener -> {
            listener.remove("networkPolicyPeers");
            return listener;
        })));
        assertThat(openKafka.get("kafka:" + KAFKA_PORT))
                .contains("unlabelled", "prometheus", "grafana", "default-app")
                .as("the S3 pods stay shut in by the deny-all's egress")
                .doesNotContain("s3", "s3-bucket-init");
        // without services-egress the services reach neither Kafka nor S3
        Map<String, Set<String>> noEgress = matrix(rendered, without(policies, "services-egress"));
        assertThat(noEgress.get("kafka:" + KAFKA_PORT)).doesNotContainAnyElementsOf(SERVICES);
        assertThat(noEgress.get("s3:8333")).isEmpty();
    }

    /** destination:port → the names of the pods that may connect to it (TCP). */
    static Map<String, Set<String>> matrix(RenderedOverlay rendered, List<JsonNode> policies) {
        NetworkPolicyEvaluator evaluator = new NetworkPolicyEvaluator(
                policies, Map.of(NAMESPACE, Map.of(), "monitoring", Map.of(), "keda", Map.of(), "default", Map.of()));
        List<Pod> sources = new ArrayList<>(pods(rendered));
        sources.addAll(foreignPods());
        Pod kafka = sources.stream()
                .filter(p -> p.name().equals("softcifar-combined-0"))
                .findFirst()
                .orElseThrow();
        Pod s3 = sources.stream().filter(p -> p.name().equals("s3")).findFirst().orElseThrow();
        // the broker as a client of others, under another name (it is also a destination)
        sources.add(new Pod("kafka-broker-egress-check", kafka.namespace(), kafka.labels(), "10.244.9.9", Map.of()));
        Map<String, Set<String>> matrix = new LinkedHashMap<>();
        matrix.put("kafka:" + KAFKA_PORT, reaching(evaluator, sources, kafka, KAFKA_PORT));
        matrix.put("s3:" + S3_PORT, reaching(evaluator, sources, s3, S3_PORT));
        for (int port : S3_ADMIN_PORTS) {
            matrix.put("s3:" + port, reaching(evaluator, sources, s3, port));
        }
        // a second Kafka node (as a node pool with more replicas would run), for the brokers' egress among themselves
        Pod peer = new Pod("broker-peer", kafka.namespace(), kafka.labels(), "10.244.9.10", Map.of());
        matrix.put("broker-peer:9091", reaching(evaluator, sources, peer, 9091));
        // the internet row for our own pods only: pods of other namespaces are not under our policies
        matrix.put("internet:443", reaching(evaluator, pods(rendered), INTERNET, 443));
        return matrix;
    }

    private static Set<String> reaching(
            NetworkPolicyEvaluator evaluator, List<Pod> sources, Pod destination, int port) {
        Set<String> names = new TreeSet<>();
        for (Pod source : sources) {
            if (!source.name().equals(destination.name()) && evaluator.allows(source, destination, port)) {
                names.add(source.name());
            }
        }
        return names;
    }

    /** Every workload's pod template of the overlay, and the Kafka broker pod Strimzi runs. */
    static List<Pod> pods(RenderedOverlay rendered) {
        List<Pod> pods = new ArrayList<>();
        int[] address = {10};
        rendered.workloads().forEach(w -> pods.add(Pod.ofWorkload(w, "10.244.0." + address[0]++)));
        JsonNode kafka = rendered.get("Kafka", KubernetesManifestsTest.KAFKA);
        String cluster = kafka.path("metadata").path("name").asText();
        rendered.ofKind("KafkaNodePool")
                .forEach(pool -> pods.add(new Pod(
                        cluster + "-" + pool.path("metadata").path("name").asText() + "-0",
                        NAMESPACE,
                        Map.of(
                                "strimzi.io/cluster",
                                cluster,
                                "strimzi.io/kind",
                                "Kafka",
                                "strimzi.io/name",
                                cluster + "-kafka",
                                "strimzi.io/pool-name",
                                pool.path("metadata").path("name").asText()),
                        "10.244.0." + address[0]++,
                        Map.of())));
        return pods;
    }

    static List<Pod> foreignPods() {
        return List.of(
                new Pod("unlabelled", NAMESPACE, Map.of(), "10.244.1.1", Map.of()),
                new Pod(
                        "prometheus",
                        "monitoring",
                        Map.of("app.kubernetes.io/name", "prometheus"),
                        "10.244.2.1",
                        Map.of()),
                new Pod("grafana", "monitoring", Map.of("app.kubernetes.io/name", "grafana"), "10.244.2.2", Map.of()),
                new Pod("keda-operator", "keda", Map.of("app", "keda-operator"), "10.244.3.1", Map.of()),
                new Pod("default-app", "default", Map.of("app", "web"), "10.244.4.1", Map.of()));
    }

    /** The overlay's NetworkPolicies plus the one Strimzi writes for the Kafka listeners. */
    static List<JsonNode> policies(RenderedOverlay rendered) {
        return with(rendered.ofKind("NetworkPolicy").toList(), kafkaListenerPolicy(rendered, UnaryOperator.identity()));
    }

    /**
     * Strimzi's NetworkPolicy for the brokers' listeners, built from the rendered Kafka resource: one ingress rule per
     * listener, its port, and {@code from} = its networkPolicyPeers (none: no {@code from}, open to all).
     */
    static JsonNode kafkaListenerPolicy(RenderedOverlay rendered, UnaryOperator<ObjectNode> editListener) {
        JsonNode kafka = rendered.get("Kafka", KubernetesManifestsTest.KAFKA);
        String cluster = kafka.path("metadata").path("name").asText();
        ObjectNode policy = RepoFiles.YAML.createObjectNode();
        policy.put("apiVersion", "networking.k8s.io/v1").put("kind", "NetworkPolicy");
        policy.putObject("metadata")
                .put("name", cluster + "-network-policy-kafka")
                .put("namespace", kafka.path("metadata").path("namespace").asText());
        ObjectNode spec = policy.putObject("spec");
        spec.putObject("podSelector")
                .putObject("matchLabels")
                .put("strimzi.io/cluster", cluster)
                .put("strimzi.io/kind", "Kafka")
                .put("strimzi.io/name", cluster + "-kafka");
        spec.putArray("policyTypes").add("Ingress");
        ArrayNode ingress = spec.putArray("ingress");
        for (JsonNode original : kafka.path("spec").path("kafka").path("listeners")) {
            ObjectNode listener = editListener.apply(original.deepCopy());
            ObjectNode rule = ingress.addObject();
            rule.putArray("ports")
                    .addObject()
                    .put("protocol", "TCP")
                    .put("port", listener.path("port").asInt());
            if (listener.has("networkPolicyPeers")) {
                rule.set("from", listener.path("networkPolicyPeers").deepCopy());
            }
        }
        // the nodes among themselves: KRaft quorum and replication (Strimzi also admits its operators here)
        ObjectNode nodes = ingress.addObject();
        nodes.putArray("ports").addObject().put("protocol", "TCP").put("port", 9090);
        ((ArrayNode) nodes.path("ports")).addObject().put("protocol", "TCP").put("port", 9091);
        nodes.putArray("from")
                .addObject()
                .putObject("podSelector")
                .putObject("matchLabels")
                .put("strimzi.io/name", cluster + "-kafka");
        return policy;
    }

    private static List<JsonNode> without(List<JsonNode> policies, String name) {
        List<JsonNode> kept = policies.stream()
                .filter(p -> !p.path("metadata").path("name").asText().equals(name))
                .toList();
        assertThat(kept).as("policy %s exists", name).hasSize(policies.size() - 1);
        return kept;
    }

    /** The policies with the Kafka listener policy replaced (or added). */
    private static List<JsonNode> with(List<JsonNode> policies, JsonNode kafkaPolicy) {
        List<JsonNode> result = new ArrayList<>(policies.stream()
                .filter(p -> !p.path("metadata")
                        .path("name")
                        .asText()
                        .equals(kafkaPolicy.path("metadata").path("name").asText()))
                .toList());
        result.add(kafkaPolicy);
        return result;
    }
}
