package io.softcifar.deploy;

import static io.softcifar.deploy.RenderedOverlay.containers;
import static io.softcifar.deploy.RenderedOverlay.describe;
import static io.softcifar.deploy.RenderedOverlay.elements;
import static io.softcifar.deploy.RenderedOverlay.podSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.topics.Service;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.contracts.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules of issue 7, checked on what {@code kubectl kustomize} renders for every overlay. */
class KubernetesManifestsTest {

    /** The soft-cifar services and their HTTP ports (each service's quarkus.http.port; ServicePortsTest checks). */
    static final Map<String, Integer> SERVICES = Map.of(
            "results-service", 8080, "dataset-service", 8081, "trainer-service", 8082, "evaluator-service", 8083);
    /** Each service's management port (health, metrics; no credential): quarkus.management.port. */
    static final Map<String, Integer> MANAGEMENT = Map.of(
            "results-service", 9080, "dataset-service", 9081, "trainer-service", 9082, "evaluator-service", 9083);

    static final String KAFKA = TopicManifests.KAFKA_CLUSTER;
    private static final Pattern SECRET_LIKE = Pattern.compile(
            "(?i).*(secret|password|passwd|token|credential" + "|access[_-]?key|root[_-]?user|api[_-]?key).*");

    static List<String> overlays() {
        return RenderedOverlay.OVERLAYS;
    }

    @BeforeAll
    static void logToolVersion() {
        RepoFiles.onPath("kubectl")
                .ifPresent(kubectl -> System.out.println(
                        "kubectl: " + RepoFiles.version(List.of(kubectl.toString(), "version", "--client"))));
    }

    @ParameterizedTest(name = "{0}: every container has startup, readiness and liveness probes")
    @MethodSource("overlays")
    void everyLongRunningContainerHasProbes(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> longRunning = rendered.workloads()
                .filter(w -> !w.path("kind").asText().equals("Job"))
                .toList();
        assertThat(longRunning).isNotEmpty();
        for (JsonNode workload : longRunning) {
            // init containers run to completion and may not have probes
            for (JsonNode container : podSpec(workload).path("containers")) {
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    assertThat(container.has(probe))
                            .as(
                                    "%s container %s has a %s",
                                    describe(workload), container.path("name").asText(), probe)
                            .isTrue();
                }
            }
        }
        for (String service : SERVICES.keySet()) {
            JsonNode container = containers(rendered.get("Deployment", service)).get(0);
            assertThat(container
                            .path("startupProbe")
                            .path("httpGet")
                            .path("path")
                            .asText())
                    .isEqualTo("/q/health/started");
            assertThat(container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText())
                    .isEqualTo("/q/health/ready");
            assertThat(container
                            .path("livenessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText())
                    .isEqualTo("/q/health/live");
            // on the management port: the HTTP port needs a credential
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.path(probe).path("httpGet").path("port").asText())
                        .as(service + " " + probe)
                        .isEqualTo("management");
            }
            assertThat(elements(container.path("ports"))
                            .filter(p -> p.path("name").asText().equals("management"))
                            .map(p -> p.path("containerPort").asInt()))
                    .as(service)
                    .containsExactly(MANAGEMENT.get(service));
        }
    }

    @ParameterizedTest(name = "{0}: every container has cpu and memory requests and limits")
    @MethodSource("overlays")
    void everyContainerHasResourceRequestsAndLimits(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        rendered.workloads()
                .forEach(workload -> containers(workload).forEach(container -> {
                    JsonNode resources = container.path("resources");
                    for (String bound : List.of("requests", "limits")) {
                        for (String resource : List.of("cpu", "memory")) {
                            assertThat(resources.path(bound).path(resource).asText())
                                    .as(
                                            "%s container %s: resources.%s.%s",
                                            describe(workload),
                                            container.path("name").asText(),
                                            bound,
                                            resource)
                                    .isNotBlank();
                        }
                    }
                }));
    }

    @ParameterizedTest(name = "{0}: every image tag is pinned")
    @MethodSource("overlays")
    void everyImageIsPinned(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        rendered.workloads()
                .forEach(workload -> containers(workload)
                        .forEach(container -> assertThat(
                                        Images.isPinned(container.path("image").asText()))
                                .as(
                                        "%s: image %s has an explicit tag that is not latest",
                                        describe(workload),
                                        container.path("image").asText())
                                .isTrue()));
        for (String service : SERVICES.keySet()) {
            assertThat(containers(rendered.get("Deployment", service))
                            .get(0)
                            .path("image")
                            .asText())
                    .startsWith("ghcr.io/softcifar/" + service + ":0.1.0");
        }
    }

    @ParameterizedTest(name = "{0}: credentials only from Secrets, config from ConfigMaps")
    @MethodSource("overlays")
    void credentialsComeOnlyFromSecrets(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        rendered.workloads()
                .forEach(workload -> containers(workload)
                        .forEach(container -> elements(container.path("env")).forEach(env -> {
                            String name = env.path("name").asText();
                            if (SECRET_LIKE.matcher(name).matches()) {
                                assertThat(env.has("value"))
                                        .as("%s: env %s has a literal value", describe(workload), name)
                                        .isFalse();
                                assertThat(env.path("valueFrom").has("secretKeyRef"))
                                        .as("%s: env %s comes from a secretKeyRef", describe(workload), name)
                                        .isTrue();
                            }
                        })));
        rendered.ofKind("ConfigMap")
                .forEach(configMap -> configMap
                        .path("data")
                        .fieldNames()
                        .forEachRemaining(
                                key -> assertThat(SECRET_LIKE.matcher(key).matches())
                                        .as("%s holds %s: credentials belong in a Secret", describe(configMap), key)
                                        .isFalse()));
        for (String service : SERVICES.keySet()) {
            JsonNode container = containers(rendered.get("Deployment", service)).get(0);
            Set<String> configMaps = elements(container.path("envFrom"))
                    .map(from -> from.path("configMapRef").path("name").asText())
                    .collect(Collectors.toSet());
            assertThat(configMaps).as("%s reads its ConfigMaps", service).contains("softcifar-common", service);
            configMaps.forEach(name -> rendered.get("ConfigMap", name));
            Map<String, String> secretEnv = elements(container.path("env"))
                    .filter(env -> env.path("valueFrom").has("secretKeyRef"))
                    .collect(Collectors.toMap(
                            env -> env.path("name").asText(),
                            env -> env.path("valueFrom")
                                    .path("secretKeyRef")
                                    .path("name")
                                    .asText()));
            assertThat(secretEnv)
                    .as("%s gets its own S3 identity from its own Secret", service)
                    .containsEntry("S3_ACCESS_KEY", "softcifar-s3-" + service)
                    .containsEntry("S3_SECRET_KEY", "softcifar-s3-" + service);
        }
        // the S3 server's identities file is written from the admin Secret and every service's Secret
        JsonNode identities = elements(
                        podSpec(rendered.get("StatefulSet", "s3")).path("initContainers"))
                .filter(c -> c.path("name").asText().equals("identities"))
                .findFirst()
                .orElseThrow();
        Set<String> secrets = elements(identities.path("env"))
                .map(env ->
                        env.path("valueFrom").path("secretKeyRef").path("name").asText())
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toSet());
        Set<String> expected = SERVICES.keySet().stream()
                .map(s -> "softcifar-s3-" + s)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        expected.add("softcifar-s3-admin");
        assertThat(secrets).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void onlyTheDevOverlayGeneratesSecretsTheGpuOverlayExpectsThemPreCreated() {
        RenderedOverlay dev = RenderedOverlay.of("dev");
        RenderedOverlay gpu = RenderedOverlay.of("gpu");
        // the Kafka passwords come from the Secrets Strimzi's User Operator writes for the KafkaUsers, in both
        Set<String> referenced = new java.util.TreeSet<>(referencedSecrets(gpu));
        assertThat(referenced)
                .containsExactlyInAnyOrder(
                        "softcifar-api-keys",
                        "softcifar-cluster-ca-cert",
                        "softcifar-s3-admin",
                        "softcifar-s3-results-service",
                        "softcifar-s3-dataset-service",
                        "softcifar-s3-trainer-service",
                        "softcifar-s3-evaluator-service",
                        "results-service",
                        "dataset-service",
                        "trainer-service",
                        "evaluator-service");
        for (RenderedOverlay overlay : List.of(dev, gpu)) {
            Set<String> kafkaUsers = overlay.ofKind("KafkaUser")
                    .map(u -> u.path("metadata").path("name").asText())
                    .collect(Collectors.toSet());
            assertThat(kafkaUsers).containsExactlyInAnyOrderElementsOf(SERVICES.keySet());
        }
        assertThat(gpu.ofKind("Secret").toList())
                .as("the gpu overlay carries no Secret: create them first")
                .isEmpty();
        Set<String> devExpected = new java.util.TreeSet<>(referencedSecrets(dev));
        devExpected.removeAll(SERVICES.keySet());
        devExpected.remove("softcifar-cluster-ca-cert"); // Strimzi's Cluster Operator writes it
        assertThat(dev.ofKind("Secret").map(s -> s.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrderElementsOf(devExpected);
    }

    @ParameterizedTest(name = "{0}: every workload has a PodDisruptionBudget")
    @MethodSource("overlays")
    void everyLongRunningWorkloadHasAPodDisruptionBudget(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> budgets = rendered.ofKind("PodDisruptionBudget").toList();
        rendered.workloads().filter(w -> !w.path("kind").asText().equals("Job")).forEach(workload -> {
            JsonNode podLabels =
                    workload.path("spec").path("template").path("metadata").path("labels");
            assertThat(budgets)
                    .as("a PodDisruptionBudget selects the pods of %s", describe(workload))
                    .anySatisfy(pdb -> assertThat(selects(pdb.path("spec").path("selector"), podLabels))
                            .isTrue());
        });
    }

    @ParameterizedTest(name = "{0}: NetworkPolicies allow only the designed traffic")
    @MethodSource("overlays")
    void networkPoliciesOpenOnlyTheDesignedPaths(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> policies = rendered.ofKind("NetworkPolicy").toList();
        rendered.workloads().forEach(workload -> {
            JsonNode podLabels =
                    workload.path("spec").path("template").path("metadata").path("labels");
            assertThat(policies)
                    .as("a deny-all policy (Ingress and Egress, no rules) covers %s", describe(workload))
                    .anySatisfy(p -> {
                        assertThat(selects(p.path("spec").path("podSelector"), podLabels))
                                .isTrue();
                        assertThat(p.path("spec").path("policyTypes"))
                                .extracting(JsonNode::asText)
                                .contains("Ingress", "Egress");
                        assertThat(p.path("spec").has("ingress")
                                        || p.path("spec").has("egress"))
                                .isFalse();
                    });
        });
        JsonNode servicesEgress = rendered.get("NetworkPolicy", "services-egress");
        assertThat(ports(servicesEgress.path("spec").path("egress"))).contains("9093", "8333", "53");
        JsonNode resultsIngress = rendered.get("NetworkPolicy", "results-service-ingress");
        assertThat(resultsIngress
                        .path("spec")
                        .path("podSelector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/name")
                        .asText())
                .isEqualTo("results-service");
        assertThat(ports(resultsIngress.path("spec").path("ingress"))).containsExactly("8080");
        // no other policy lets anything into a service but Prometheus
        policies.stream()
                .filter(p -> !p.path("metadata").path("name").asText().equals("results-service-ingress"))
                .filter(p -> p.path("spec").has("ingress"))
                .filter(p -> SERVICES.keySet().stream()
                        .anyMatch(s ->
                                selects(p.path("spec").path("podSelector"), podLabels(rendered.get("Deployment", s)))))
                .forEach(p -> assertThat(elements(p.path("spec").path("ingress"))
                                .flatMap(rule -> elements(rule.path("from")))
                                .map(from -> from.path("namespaceSelector")
                                        .path("matchLabels")
                                        .path("kubernetes.io/metadata.name")
                                        .asText()))
                        .as("%s admits only the monitoring namespace", describe(p))
                        .containsOnly("monitoring"));
        // and Prometheus only to the management port (health, metrics), not to the API
        assertThat(ports(rendered.get("NetworkPolicy", "prometheus-scrape")
                        .path("spec")
                        .path("ingress")))
                .containsExactly("management");
    }

    @ParameterizedTest(name = "{0}: Prometheus scrapes every service")
    @MethodSource("overlays")
    void prometheusScrapesEveryService(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        SERVICES.forEach((service, port) -> {
            JsonNode deployment = rendered.get("Deployment", service);
            JsonNode annotations =
                    deployment.path("spec").path("template").path("metadata").path("annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
            assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
            assertThat(annotations.path("prometheus.io/port").asText())
                    .isEqualTo(MANAGEMENT.get(service).toString());
            assertThat(containers(deployment)
                            .get(0)
                            .path("ports")
                            .get(0)
                            .path("containerPort")
                            .asInt())
                    .isEqualTo(port);
            assertThat(rendered.get("Service", service)
                            .path("spec")
                            .path("ports")
                            .get(0)
                            .path("port")
                            .asInt())
                    .isEqualTo(port);
        });
    }

    @ParameterizedTest(name = "{0}: every topic of contracts is a KafkaTopic with its settings")
    @MethodSource("overlays")
    void everyContractsTopicIsAKafkaTopic(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        List<JsonNode> kafkaTopics = rendered.ofKind("KafkaTopic").toList();
        assertThat(kafkaTopics).hasSameSizeAs(Topics.all());
        for (TopicSpec topic : Topics.all()) {
            JsonNode resource = kafkaTopics.stream()
                    .filter(t ->
                            topic.name().equals(t.path("spec").path("topicName").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no KafkaTopic for " + topic.name()));
            JsonNode spec = resource.path("spec");
            assertThat(resource.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo(KAFKA);
            assertThat(spec.path("partitions").asInt())
                    .as("%s partitions", topic.name())
                    .isEqualTo(topic.partitions());
            assertThat(spec.path("replicas").asInt())
                    .as("%s replicas", topic.name())
                    .isEqualTo(topic.replication());
            assertThat(spec.path("config").path("cleanup.policy").asText())
                    .as("%s cleanup.policy", topic.name())
                    .isEqualTo(topic.cleanupPolicy().kafkaValue());
            assertThat(spec.path("config").path("retention.ms").asLong())
                    .as("%s retention.ms", topic.name())
                    .isEqualTo(topic.retentionMs());
        }
    }

    @ParameterizedTest(name = "{0}: Kafka is a KRaft cluster with a controller+broker node pool")
    @MethodSource("overlays")
    void kafkaIsKraftWithANodePool(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        JsonNode kafka = rendered.get("Kafka", KAFKA);
        // Strimzi 1.0's v1 API is KRaft with node pools only: no annotations to switch them on, no zookeeper
        assertThat(kafka.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
        assertThat(kafka.path("spec").has("zookeeper")).isFalse();
        assertThat(kafka.path("spec").path("entityOperator").has("topicOperator"))
                .as("the topic operator turns KafkaTopics into topics")
                .isTrue();
        List<JsonNode> pools = rendered.ofKind("KafkaNodePool")
                .filter(p -> KAFKA.equals(p.path("metadata")
                        .path("labels")
                        .path("strimzi.io/cluster")
                        .asText()))
                .toList();
        assertThat(pools).isNotEmpty();
        assertThat(pools.stream()
                        .flatMap(p -> elements(p.path("spec").path("roles")))
                        .map(JsonNode::asText))
                .contains("controller", "broker");
        JsonNode common = rendered.get("ConfigMap", "softcifar-common").path("data");
        assertThat(common.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(KAFKA + "-kafka-bootstrap:9093");
        assertThat(common.path("SOFTCIFAR_KAFKA_CREATE_TOPICS").asText())
                .as("Strimzi owns the topics, the services must not create them")
                .isEqualTo("false");
    }

    @Test
    void gpuOverlayPutsTheTrainerOnAGpuNodeWithTheCudaImage() {
        RenderedOverlay gpu = RenderedOverlay.of("gpu");
        JsonNode trainer = gpu.get("Deployment", "trainer-service");
        JsonNode pod = podSpec(trainer);
        JsonNode container = containers(trainer).get(0);
        assertThat(container
                        .path("resources")
                        .path("limits")
                        .path("nvidia.com/gpu")
                        .asText())
                .isEqualTo("1");
        assertThat(elements(pod.path("tolerations"))).anySatisfy(t -> {
            assertThat(t.path("key").asText()).isEqualTo("nvidia.com/gpu");
            assertThat(t.path("effect").asText()).isEqualTo("NoSchedule");
        });
        assertThat(pod.path("nodeSelector").size())
                .as("a node selector for GPU nodes")
                .isPositive();
        assertThat(Images.tag(container.path("image").asText())).isEqualTo("0.1.0-cuda");
        assertThat(gpu.get("ConfigMap", "trainer-service")
                        .path("data")
                        .path("TRAINER_DEVICE")
                        .asText())
                .isEqualTo("gpu");
        // other services stay off the GPU
        SERVICES.keySet().stream()
                .filter(s -> !s.equals("trainer-service"))
                .forEach(s -> assertThat(containers(gpu.get("Deployment", s))
                                .get(0)
                                .path("resources")
                                .path("limits")
                                .has("nvidia.com/gpu"))
                        .as(s)
                        .isFalse());
    }

    @Test
    void devOverlayRunsTheTrainerOnTheCpu() {
        RenderedOverlay dev = RenderedOverlay.of("dev");
        JsonNode trainer = dev.get("Deployment", "trainer-service");
        JsonNode container = containers(trainer).get(0);
        assertThat(container.path("resources").path("limits").has("nvidia.com/gpu"))
                .isFalse();
        assertThat(container.path("resources").path("requests").has("nvidia.com/gpu"))
                .isFalse();
        assertThat(elements(podSpec(trainer).path("tolerations"))
                        .map(t -> t.path("key").asText()))
                .doesNotContain("nvidia.com/gpu");
        assertThat(podSpec(trainer).path("nodeSelector").toString()).doesNotContain("nvidia");
        assertThat(Images.tag(container.path("image").asText())).isEqualTo("0.1.0");
        assertThat(dev.get("ConfigMap", "trainer-service")
                        .path("data")
                        .path("TRAINER_DEVICE")
                        .asText())
                .isEqualTo("cpu");
        assertThat(dev.ofKind("ScaledObject").toList())
                .as("no KEDA needed on a dev cluster")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}: the trainer has time to shut down gracefully")
    @MethodSource("overlays")
    void trainerShutdownHasTimeForACheckpoint(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        long grace = podSpec(rendered.get("Deployment", "trainer-service"))
                .path("terminationGracePeriodSeconds")
                .asLong();
        String quarkusTimeout = rendered.get("ConfigMap", "trainer-service")
                .path("data")
                .path("QUARKUS_SHUTDOWN_TIMEOUT")
                .asText();
        assertThat(grace).isGreaterThanOrEqualTo(300);
        assertThat(quarkusTimeout).matches("\\d+s");
        long quarkusSeconds =
                Duration.parse("PT" + quarkusTimeout.toUpperCase()).toSeconds();
        assertThat(quarkusSeconds)
                .as("Quarkus' shutdown ends before the kubelet's SIGKILL")
                .isLessThan(grace);
    }

    @Test
    void kedaScalesTrainersOnTrainingRequestLagCappedAtThePartitionCount() {
        RenderedOverlay gpu = RenderedOverlay.of("gpu");
        List<JsonNode> scaledObjects = gpu.ofKind("ScaledObject").toList();
        assertThat(scaledObjects).hasSize(1);
        JsonNode spec = scaledObjects.get(0).path("spec");
        assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo("trainer-service");
        gpu.get("Deployment", spec.path("scaleTargetRef").path("name").asText());
        TopicSpec requests = Topics.byName(Topics.TRAINING_REQUESTS).orElseThrow();
        assertThat(spec.path("maxReplicaCount").asInt())
                .as("more trainers than partitions of %s would idle", requests.name())
                .isPositive()
                .isLessThanOrEqualTo(requests.partitions());
        JsonNode trigger = spec.path("triggers").get(0);
        assertThat(spec.path("triggers")).hasSize(1);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode metadata = trigger.path("metadata");
        assertThat(metadata.path("topic").asText()).isEqualTo(Topics.TRAINING_REQUESTS);
        assertThat(metadata.path("consumerGroup").asText()).isEqualTo(Service.TRAINER.id());
        assertThat(metadata.path("bootstrapServers").asText())
                .startsWith(KAFKA + "-kafka-bootstrap.")
                .endsWith(":9093");
        assertThat(metadata.path("lagThreshold").asInt()).isPositive();
    }

    private static Set<String> referencedSecrets(RenderedOverlay rendered) {
        Set<String> names = rendered.workloads()
                .flatMap(w -> containers(w).stream())
                .flatMap(c -> elements(c.path("env")))
                .map(env ->
                        env.path("valueFrom").path("secretKeyRef").path("name").asText())
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        // and the Secrets mounted as files (the API keys; Strimzi's cluster CA)
        rendered.workloads()
                .flatMap(w ->
                        elements(w.path("spec").path("template").path("spec").path("volumes")))
                .map(v -> v.path("secret").path("secretName").asText())
                .filter(name -> !name.isEmpty())
                .forEach(names::add);
        return names;
    }

    private static JsonNode podLabels(JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }

    private static List<String> ports(JsonNode rules) {
        return elements(rules)
                .flatMap(rule -> elements(rule.path("ports")))
                .map(port -> port.path("port").asText())
                .toList();
    }

    /** A label selector (matchLabels, matchExpressions with In / Exists) against a pod's labels. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        var matchLabels = selector.path("matchLabels").fields();
        while (matchLabels.hasNext()) {
            var entry = matchLabels.next();
            if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.path(expression.path("key").asText()).asText(null);
            switch (expression.path("operator").asText()) {
                case "In" -> {
                    if (value == null
                            || elements(expression.path("values"))
                                    .noneMatch(v -> v.asText().equals(value))) {
                        return false;
                    }
                }
                case "Exists" -> {
                    if (value == null) {
                        return false;
                    }
                }
                default -> throw new AssertionError("selector operator not handled by the test: " + expression);
            }
        }
        return true;
    }
}
