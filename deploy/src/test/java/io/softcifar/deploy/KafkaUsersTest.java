package io.softcifar.deploy;

import static io.softcifar.deploy.RenderedOverlay.containers;
import static io.softcifar.deploy.RenderedOverlay.describe;
import static io.softcifar.deploy.RenderedOverlay.elements;
import static io.softcifar.deploy.RenderedOverlay.podSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14, point 5: Kafka users and their rights. Each service's KafkaUser may do exactly what the service's code does
 * with Kafka, and every Deployment that talks to Kafka authenticates as its user over TLS.
 */
class KafkaUsersTest {

    /**
     * What each service does with Kafka, written down here from its code (not from the manifests, nor from the
     * contracts catalogue, whose producer/consumer lists differ from the code in places): {@code type:name:operation},
     * a trailing {@code *} on a prefix pattern.
     * <ul>
     * <li>dataset-service: DatasetRequestListener consumes softcifar.dataset.requests in group dataset-service and
     * dead-letters to its .dlq; DatasetImporter/listener publish to softcifar.dataset.state.</li>
     * <li>trainer-service: TrainingRequestListener consumes softcifar.training.requests in group trainer-service
     * (RequestBacklog reads that group's offsets: Describe, implied by Read); CancelListener consumes
     * softcifar.training.control in groups trainer-service-control-markers and trainer-service-control-&lt;uuid&gt;;
     * RunExecutor publishes to softcifar.training.state, .training.progress and softcifar.checkpoints; dead letters of
     * both consumers.</li>
     * <li>evaluator-service: CheckpointListener consumes softcifar.checkpoints in group evaluator-service, publishes to
     * softcifar.evaluation.results, dead-letters to softcifar.checkpoints.dlq.</li>
     * <li>results-service: ViewFollower reads eight topics by assignment (no group); StudyService publishes studies,
     * dataset requests, training requests, cancellations, and its watchdog re-publishes to softcifar.checkpoints and
     * softcifar.training.requests.</li>
     * </ul>
     */
    static final Map<String, Set<String>> USES = Map.of(
            "dataset-service",
                    Set.of(
                            "topic:softcifar.dataset.requests:Read", "group:dataset-service:Read",
                            "topic:softcifar.dataset.state:Write", "topic:softcifar.dataset.requests.dlq:Write"),
            "trainer-service",
                    Set.of(
                            "topic:softcifar.training.requests:Read",
                            "group:trainer-service:Read",
                            "topic:softcifar.training.control:Read",
                            "group:trainer-service-control*:Read",
                            "topic:softcifar.training.state:Write",
                            "topic:softcifar.training.progress:Write",
                            "topic:softcifar.checkpoints:Write",
                            "topic:softcifar.training.requests.dlq:Write",
                            "topic:softcifar.training.control.dlq:Write"),
            "evaluator-service",
                    Set.of(
                            "topic:softcifar.checkpoints:Read", "group:evaluator-service:Read",
                            "topic:softcifar.evaluation.results:Write", "topic:softcifar.checkpoints.dlq:Write"),
            "results-service",
                    Set.of(
                            "topic:softcifar.studies:Read",
                            "topic:softcifar.dataset.state:Read",
                            "topic:softcifar.training.requests:Read",
                            "topic:softcifar.training.control:Read",
                            "topic:softcifar.training.state:Read",
                            "topic:softcifar.training.progress:Read",
                            "topic:softcifar.checkpoints:Read",
                            "topic:softcifar.evaluation.results:Read",
                            "topic:softcifar.studies:Write",
                            "topic:softcifar.dataset.requests:Write",
                            "topic:softcifar.training.requests:Write",
                            "topic:softcifar.training.control:Write",
                            "topic:softcifar.checkpoints:Write"));

    static final String CA_SECRET = KubernetesManifestsTest.KAFKA + "-cluster-ca-cert";

    static List<String> overlays() {
        return RenderedOverlay.OVERLAYS;
    }

    @ParameterizedTest(name = "{0}: each KafkaUser's ACLs are exactly what its service's code uses")
    @MethodSource("overlays")
    void eachKafkaUsersAclsAreExactlyWhatItsServiceUses(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        Map<String, Set<String>> granted = new TreeMap<>();
        rendered.ofKind("KafkaUser").forEach(user -> {
            assertThat(user.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .as("%s belongs to the cluster", describe(user))
                    .isEqualTo(KubernetesManifestsTest.KAFKA);
            assertThat(user.path("spec").path("authentication").path("type").asText())
                    .isEqualTo("scram-sha-512");
            assertThat(user.path("spec").path("authorization").path("type").asText())
                    .isEqualTo("simple");
            granted.put(user.path("metadata").path("name").asText(), acls(user));
        });
        assertThat(granted).isEqualTo(new TreeMap<>(USES));
        // every literal topic of an ACL is a topic of the cluster (a misspelt name would grant nothing)
        Set<String> topics = rendered.ofKind("KafkaTopic")
                .map(t -> t.path("spec").path("topicName").asText())
                .collect(Collectors.toSet());
        USES.values().stream()
                .flatMap(Set::stream)
                .filter(a -> a.startsWith("topic:"))
                .map(a -> a.split(":")[1])
                .forEach(t -> assertThat(topics).as("KafkaTopic %s", t).contains(t));
    }

    /** {@code type:name:operation} of each allow rule, {@code name*} for a prefix pattern. */
    static Set<String> acls(JsonNode user) {
        Set<String> rules = new TreeSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            assertThat(acl.path("type").asText("allow"))
                    .as("%s: only allow rules", describe(user))
                    .isEqualTo("allow");
            assertThat(acl.path("host").asText("*")).isEqualTo("*");
            JsonNode resource = acl.path("resource");
            String pattern = resource.path("patternType").asText("literal");
            assertThat(pattern).isIn("literal", "prefix");
            String name = resource.path("name").asText() + (pattern.equals("prefix") ? "*" : "");
            for (JsonNode operation : acl.path("operations")) {
                rules.add(resource.path("type").asText() + ":" + name + ":" + operation.asText());
            }
        }
        return rules;
    }

    @ParameterizedTest(name = "{0}: every Deployment that talks to Kafka authenticates as its KafkaUser over TLS")
    @MethodSource("overlays")
    void everyKafkaClientHasItsCredentialsAndTheClusterCa(String overlay) {
        RenderedOverlay rendered = RenderedOverlay.of(overlay);
        JsonNode kafka = rendered.get("Kafka", KubernetesManifestsTest.KAFKA);
        List<JsonNode> listeners =
                elements(kafka.path("spec").path("kafka").path("listeners")).toList();
        assertThat(listeners).as("one client listener, SCRAM-SHA-512 over TLS").hasSize(1);
        JsonNode listener = listeners.get(0);
        assertThat(listener.path("tls").asBoolean()).isTrue();
        assertThat(listener.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        assertThat(kafka.path("spec")
                        .path("kafka")
                        .path("authorization")
                        .path("type")
                        .asText())
                .isEqualTo("simple");
        assertThat(kafka.path("spec").path("entityOperator").has("userOperator"))
                .as("the User Operator turns KafkaUsers into users, ACLs and Secrets")
                .isTrue();

        JsonNode common = rendered.get("ConfigMap", "softcifar-common").path("data");
        assertThat(common.path("KAFKA_BOOTSTRAP_SERVERS").asText())
                .isEqualTo(KubernetesManifestsTest.KAFKA + "-kafka-bootstrap:"
                        + listener.path("port").asInt());
        assertThat(common.path("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        assertThat(common.path("KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
        Path truststore = Path.of(common.path("KAFKA_TRUSTSTORE_FILE").asText());

        Set<String> users = rendered.ofKind("KafkaUser")
                .map(u -> u.path("metadata").path("name").asText())
                .collect(Collectors.toSet());
        Set<String> usedUsers = new TreeSet<>();
        List<JsonNode> clients = rendered.workloads()
                .filter(w -> "true"
                        .equals(w.path("spec")
                                .path("template")
                                .path("metadata")
                                .path("labels")
                                .path("softcifar.io/kafka-client")
                                .asText()))
                .toList();
        assertThat(clients.stream().map(w -> w.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrderElementsOf(KubernetesManifestsTest.SERVICES.keySet());
        for (JsonNode workload : clients) {
            JsonNode container = containers(workload).get(0);
            Map<String, JsonNode> env = elements(container.path("env"))
                    .collect(Collectors.toMap(e -> e.path("name").asText(), e -> e));
            String user = env.getOrDefault("KAFKA_SASL_USERNAME", RepoFiles.YAML.createObjectNode())
                    .path("value")
                    .asText();
            assertThat(users)
                    .as("%s: KAFKA_SASL_USERNAME names a KafkaUser", describe(workload))
                    .contains(user);
            assertThat(usedUsers.add(user))
                    .as("%s: its KafkaUser %s is its own", describe(workload), user)
                    .isTrue();
            JsonNode password = env.getOrDefault("KAFKA_SASL_PASSWORD", RepoFiles.YAML.createObjectNode())
                    .path("valueFrom")
                    .path("secretKeyRef");
            assertThat(password.path("name").asText())
                    .as("%s: password from the KafkaUser's Secret", describe(workload))
                    .isEqualTo(user);
            assertThat(password.path("key").asText()).isEqualTo("password");
            assertThat(elements(container.path("envFrom"))
                            .map(f -> f.path("configMapRef").path("name").asText()))
                    .as("%s reads softcifar-common", describe(workload))
                    .contains("softcifar-common");
            // the truststore file is the ca.crt of Strimzi's cluster CA Secret, mounted read-only
            JsonNode mount = elements(container.path("volumeMounts"))
                    .filter(m ->
                            truststore.startsWith(Path.of(m.path("mountPath").asText())))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(describe(workload) + ": nothing mounted at " + truststore));
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
            JsonNode volume = elements(podSpec(workload).path("volumes"))
                    .filter(v ->
                            v.path("name").asText().equals(mount.path("name").asText()))
                    .findFirst()
                    .orElseThrow();
            assertThat(volume.path("secret").path("secretName").asText()).isEqualTo(CA_SECRET);
            String inVolume = Path.of(mount.path("mountPath").asText())
                    .relativize(truststore)
                    .toString();
            assertThat(elements(volume.path("secret").path("items"))
                            .filter(i -> i.path("path").asText().equals(inVolume))
                            .map(i -> i.path("key").asText()))
                    .as("%s: %s is the CA's ca.crt", describe(workload), truststore)
                    .containsExactly("ca.crt");
        }
        assertThat(usedUsers).as("no KafkaUser without its Deployment").isEqualTo(users);
    }

    /** The variables the manifests set are the ones each service's configuration reads. */
    @ParameterizedTest(name = "{0}: reads the Kafka security settings from the variables the manifests set")
    @MethodSource("services")
    void eachServiceReadsTheVariablesTheManifestsSet(String service) {
        String properties = RepoFiles.read(RepoFiles.path(service + "/src/main/resources/application.properties"));
        assertThat(properties.lines().map(String::strip).toList())
                .contains(
                        "kafka.bootstrap.servers=${KAFKA_BOOTSTRAP_SERVERS:localhost:9092}",
                        "softcifar.kafka.security-protocol=${KAFKA_SECURITY_PROTOCOL:PLAINTEXT}",
                        "softcifar.kafka.sasl.mechanism=${KAFKA_SASL_MECHANISM:SCRAM-SHA-512}",
                        "softcifar.kafka.sasl.username=${KAFKA_SASL_USERNAME:}",
                        "softcifar.kafka.sasl.password=${KAFKA_SASL_PASSWORD:}",
                        "softcifar.kafka.truststore.file=${KAFKA_TRUSTSTORE_FILE:}",
                        // Quarkus's own Kafka readiness check would talk plaintext: service-common's replaces it
                        "quarkus.kafka.health.enabled=false");
    }

    static List<String> services() {
        return List.copyOf(new TreeSet<>(KubernetesManifestsTest.SERVICES.keySet()));
    }
}
