package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.testsupport.Required;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and docker-compose.cpu.yml: resolved by {@code docker-compose config} where the binary exists
 * (CI installs Debian's docker-compose 1.29), and parsed here in any case. No engine is needed for either.
 */
class ComposeFilesTest {

    static final String BASE = "docker-compose.yml";
    static final String CPU = "docker-compose.cpu.yml";
    static final String TRAINER_FRAGMENT = "deploy/compose/trainer.yml";
    static final String ENV_EXAMPLE = ".env.example";
    /** The one-shot container: it ends, so it has no healthcheck, and others wait for its success. */
    static final String INIT = "s3-init";

    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(secret|password|access_key|root_user).*");
    /** The variables write-identities.sh reads: the admin identity and one identity per service. */
    static final List<String> S3_KEY_VARIABLES = List.of(
            "S3_ADMIN_ACCESS_KEY",
            "S3_ADMIN_SECRET_KEY",
            "S3_RESULTS_ACCESS_KEY",
            "S3_RESULTS_SECRET_KEY",
            "S3_DATASET_ACCESS_KEY",
            "S3_DATASET_SECRET_KEY",
            "S3_TRAINER_ACCESS_KEY",
            "S3_TRAINER_SECRET_KEY",
            "S3_EVALUATOR_ACCESS_KEY",
            "S3_EVALUATOR_SECRET_KEY");

    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):\\?");

    // ---- what docker-compose itself resolves

    @Test
    void dockerComposeResolvesTheBaseFile() {
        JsonNode services = resolved(List.of(BASE)).path("services");
        checkResolvedStack(services);
        JsonNode trainer = activeTrainer(services);
        assertThat(gpuDevices(trainer)).as("the trainer reserves an NVIDIA GPU").anySatisfy(this::isOneNvidiaGpu);
        assertThat(Images.tag(trainer.path("image").asText())).endsWith("-cuda");
        assertThat(trainer.path("environment").path("TRAINER_DEVICE").asText()).isEqualTo("gpu");
    }

    @Test
    void dockerComposeResolvesTheCpuOverride() {
        JsonNode services = resolved(List.of(BASE, CPU)).path("services");
        checkResolvedStack(services);
        JsonNode trainer = activeTrainer(services);
        assertThat(gpuDevices(trainer))
                .as("with the cpu override the running trainer reserves no GPU")
                .isEmpty();
        assertThat(Images.tag(trainer.path("image").asText())).isEqualTo("0.1.0");
        assertThat(trainer.path("environment").path("TRAINER_DEVICE").asText()).isEqualTo("cpu");
        assertThat(trainer.path("environment").path("S3_ACCESS_KEY").asText())
                .as("the CPU trainer has the fragment's environment")
                .isNotBlank();
    }

    /**
     * Network exposure (issue 14): only the results API and Grafana are published, and only on 127.0.0.1; Kafka, the
     * S3 server, Prometheus and the other services are reachable from the compose network alone.
     */
    @Test
    void onlyTheResultsApiAndGrafanaArePublishedAndOnlyOnLoopback() {
        for (List<String> files : List.of(List.of(BASE), List.of(BASE, CPU))) {
            JsonNode services = resolved(files).path("services");
            java.util.Map<String, List<String>> published = new java.util.TreeMap<>();
            services.fields()
                    .forEachRemaining(e -> e.getValue()
                            .path("ports")
                            .forEach(port -> published
                                    .computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                                    .add(
                                            port.isTextual()
                                                    ? port.asText()
                                                    : port.path("host_ip").asText("0.0.0.0") + ":"
                                                            + port.path("published")
                                                                    .asText() + ":"
                                                            + port.path("target")
                                                                    .asText())));
            assertThat(published.keySet())
                    .as("services with published ports, %s", files)
                    .containsExactlyInAnyOrder("results-service", "grafana");
            assertThat(published.get("results-service")).containsExactly("127.0.0.1:8080:8080/tcp");
            assertThat(published.get("grafana")).containsExactly("127.0.0.1:3000:3000/tcp");
        }
    }

    @Test
    void credentialsAreRequiredNotDefaulted() {
        Path compose = RepoFiles.onPath("docker-compose").orElse(null);
        Required.present(
                compose != null,
                "docker-compose is not on the PATH: `docker-compose config` was NOT"
                        + " run (.ci/run installs it: apt-get install docker-compose)");
        Path emptyEnv;
        try {
            emptyEnv = Files.createTempFile("softcifar-empty-", ".env");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // the credentials must not come from the test's own environment either
        RepoFiles.Result result = RepoFiles.run(
                List.of(compose.toString(), "--env-file", emptyEnv.toString(), "-f", BASE, "config"),
                List.copyOf(envExample().keySet()));
        emptyEnv.toFile().delete();
        assertThat(result.exitCode())
                .as("without .env compose refuses to start")
                .isNotZero();
        assertThat(result.stderr()).contains("cp .env.example .env");
    }

    private void checkResolvedStack(JsonNode services) {
        assertThat(services.size()).isGreaterThanOrEqualTo(7);
        services.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            assertThat(Images.isPinned(service.path("image").asText()))
                    .as("%s image %s is pinned", name, service.path("image").asText())
                    .isTrue();
            if (!name.equals(INIT)) {
                assertThat(service.path("healthcheck").path("test").size())
                        .as("%s has a healthcheck", name)
                        .isPositive();
            }
        });
    }

    private static JsonNode resolved(List<String> files) {
        Path compose = RepoFiles.onPath("docker-compose").orElse(null);
        Required.present(
                compose != null,
                "docker-compose is not on the PATH: `docker-compose config` was NOT"
                        + " run (.ci/run installs it: apt-get install docker-compose); the files are still parsed by the"
                        + " other tests of this class");
        System.out.println("docker-compose: " + RepoFiles.version(List.of(compose.toString(), "version")));
        List<String> command = new ArrayList<>(List.of(compose.toString(), "--env-file", ENV_EXAMPLE));
        files.forEach(file -> command.addAll(List.of("-f", file)));
        command.add("config");
        RepoFiles.Result result = RepoFiles.run(command);
        assertThat(result.exitCode())
                .as("%s failed:%n%s", String.join(" ", command), result.stderr())
                .isZero();
        return RepoFiles.documents(result.stdout()).get(0);
    }

    // ---- the files as written (no docker-compose needed)

    @Test
    void everyServiceHasAHealthcheckExceptTheOneShotInit() {
        Map<String, JsonNode> base = services(BASE);
        Map<String, JsonNode> added = services(CPU);
        added.keySet().removeAll(base.keySet()); // the override's entries for existing services only add to them
        base.putAll(added);
        base.forEach((name, service) -> {
            if (name.equals(INIT)) {
                assertThat(service.has("healthcheck")).isFalse();
                return;
            }
            boolean own = service.path("healthcheck").path("test").size() > 0;
            boolean inherited = extended(service)
                    .map(s -> s.path("healthcheck").path("test").size() > 0)
                    .orElse(false);
            assertThat(own || inherited).as("%s has a healthcheck", name).isTrue();
        });
    }

    @Test
    void everyImageTagIsPinned() {
        for (String file : List.of(BASE, CPU, TRAINER_FRAGMENT)) {
            services(file).forEach((name, service) -> {
                if (service.has("image")) {
                    assertThat(Images.isPinned(service.path("image").asText()))
                            .as(
                                    "%s: %s image %s",
                                    file, name, service.path("image").asText())
                            .isTrue();
                }
            });
        }
        assertThat(services(BASE).get("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.2");
        assertThat(Images.hasDigest(services(BASE).get("s3").path("image").asText()))
                .as("the S3 server is pinned by tag and digest")
                .isTrue();
    }

    @Test
    void theBaseFileReservesAGpuForTheTrainerAndTheOverrideRunsItWithout() {
        JsonNode gpuTrainer = services(BASE).get("trainer-service");
        assertThat(gpuTrainer.has("profiles"))
                .as("the GPU trainer starts by default")
                .isFalse();
        assertThat(gpuDevices(gpuTrainer)).anySatisfy(this::isOneNvidiaGpu);
        assertThat(extended(gpuTrainer).map(ComposeFilesTest::gpuDevices).orElse(List.of()))
                .as("the shared trainer fragment has no device")
                .isEmpty();

        Map<String, JsonNode> override = services(CPU);
        assertThat(override.get("trainer-service").path("profiles"))
                .extracting(JsonNode::asText)
                .as("the override parks the GPU trainer under a profile")
                .containsExactly("gpu");
        List<String> cpuTrainers = override.entrySet().stream()
                .filter(e -> !e.getKey().equals("trainer-service"))
                .filter(e -> extended(e.getValue()).isPresent())
                .map(Map.Entry::getKey)
                .toList();
        assertThat(cpuTrainers).containsExactly("trainer-service-cpu");
        JsonNode cpuTrainer = override.get("trainer-service-cpu");
        assertThat(cpuTrainer.has("profiles")).isFalse();
        assertThat(gpuDevices(cpuTrainer)).isEmpty();
        assertThat(cpuTrainer.path("image").asText()).isEqualTo("ghcr.io/softcifar/trainer-service:0.1.0");
        assertThat(cpuTrainer.path("depends_on"))
                .as("extends does not carry depends_on")
                .hasSize(3);
    }

    @Test
    void servicesWaitForHealthyDependenciesAndTheInitToSucceed() {
        Map<String, JsonNode> base = services(BASE);
        JsonNode cpuTrainer = services(CPU).get("trainer-service-cpu");
        Map<String, JsonNode> checked = new LinkedHashMap<>(base);
        checked.put("trainer-service-cpu", cpuTrainer);
        checked.forEach((name, service) -> service.path("depends_on").fields().forEachRemaining(dependency -> {
            String expected = dependency.getKey().equals(INIT) ? "service_completed_successfully" : "service_healthy";
            assertThat(dependency.getValue().path("condition").asText())
                    .as("%s depends on %s", name, dependency.getKey())
                    .isEqualTo(expected);
        }));
        List<String> applications = new ArrayList<>(KubernetesManifestsTest.SERVICES.keySet());
        applications.add("trainer-service-cpu");
        for (String name : applications) {
            assertThat(checked.get(name).path("depends_on").fieldNames())
                    .toIterable()
                    .as("%s waits for the broker, the store and the bucket", name)
                    .contains("kafka", "s3", INIT);
        }
    }

    @Test
    void kafkaAndTheS3ServerKeepTheirDataInNamedVolumes() {
        JsonNode base = RepoFiles.document(RepoFiles.path(BASE));
        Set<String> named = new TreeSet<>();
        base.path("volumes").fieldNames().forEachRemaining(named::add);
        for (String service : List.of("kafka", "s3")) {
            List<String> sources = RenderedOverlay.elements(
                            base.path("services").path(service).path("volumes"))
                    .map(v -> v.asText().split(":")[0])
                    .toList();
            assertThat(sources)
                    .as("%s volumes", service)
                    .anySatisfy(source -> assertThat(named).contains(source));
        }
    }

    @Test
    void credentialsComeFromTheEnvFileWhichDocumentsEveryRequiredVariable() {
        Map<String, String> example = envExample();
        Set<String> required = new TreeSet<>();
        for (String file : List.of(BASE, CPU, TRAINER_FRAGMENT)) {
            Matcher matcher = REQUIRED_VARIABLE.matcher(RepoFiles.read(RepoFiles.path(file)));
            while (matcher.find()) {
                required.add(matcher.group(1));
            }
            services(file)
                    .forEach((name, service) -> service.path("environment")
                            .fields()
                            .forEachRemaining(env -> {
                                if (SECRET_LIKE.matcher(env.getKey()).matches()) {
                                    assertThat(env.getValue().asText())
                                            .as("%s: %s %s", file, name, env.getKey())
                                            .startsWith("${")
                                            .contains(":?");
                                }
                            }));
        }
        assertThat(required).containsAll(S3_KEY_VARIABLES).doesNotContain("S3_ACCESS_KEY", "S3_SECRET_KEY");
        assertThat(example.keySet())
                .as(".env.example defines every required variable")
                .containsAll(required);
        // the S3 identities file is JSON written by a shell script, which accepts only these characters
        for (String key : S3_KEY_VARIABLES) {
            assertThat(example.get(key)).as(key).matches("[A-Za-z0-9._-]{8,}");
        }
        assertThat(S3_KEY_VARIABLES.stream()
                        .filter(k -> k.endsWith("_ACCESS_KEY"))
                        .map(example::get)
                        .distinct())
                .as("one access key per identity")
                .hasSize(5);
    }

    /** Issue 14.5: every service container gets its own S3 key pair, and only the S3 server sees all of them. */
    @Test
    void eachServiceHasItsOwnS3Identity() {
        for (List<String> files : List.of(List.of(BASE), List.of(BASE, CPU))) {
            JsonNode services = resolved(files).path("services");
            Map<String, String> example = envExample();
            Map<String, String> accessKeys = new java.util.TreeMap<>();
            services.fields().forEachRemaining(e -> {
                JsonNode env = e.getValue().path("environment");
                if (env.has("S3_ACCESS_KEY") && e.getValue().path("profiles").isEmpty()) {
                    accessKeys.put(e.getKey(), env.path("S3_ACCESS_KEY").asText());
                    String prefix =
                            "S3_" + e.getKey().replaceAll("-service.*", "").toUpperCase();
                    assertThat(env.path("S3_ACCESS_KEY").asText())
                            .as("%s %s", files, e.getKey())
                            .isEqualTo(example.get(prefix + "_ACCESS_KEY"));
                    assertThat(env.path("S3_SECRET_KEY").asText())
                            .as("%s %s", files, e.getKey())
                            .isEqualTo(example.get(prefix + "_SECRET_KEY"));
                }
                if (!e.getKey().equals("s3")) {
                    assertThat(env.has("S3_ADMIN_SECRET_KEY"))
                            .as("%s: only the S3 server has the admin key", e.getKey())
                            .isFalse();
                }
            });
            assertThat(accessKeys.keySet())
                    .as("%s: the running services with S3 keys", files)
                    .hasSize(4)
                    .contains("results-service", "dataset-service", "evaluator-service");
            assertThat(accessKeys.values().stream().distinct())
                    .as("%s: four different identities", files)
                    .hasSize(4);
            JsonNode s3 = services.path("s3").path("environment");
            S3_KEY_VARIABLES.forEach(variable ->
                    assertThat(s3.path(variable).asText()).as("s3 %s", variable).isEqualTo(example.get(variable)));
        }
    }

    // ---- helpers

    static Map<String, JsonNode> services(String file) {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        RepoFiles.document(RepoFiles.path(file))
                .path("services")
                .fields()
                .forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
        return services;
    }

    /** The service an {@code extends} names, from its file (relative to the repository root). */
    static Optional<JsonNode> extended(JsonNode service) {
        JsonNode extendsNode = service.path("extends");
        if (extendsNode.isMissingNode()) {
            return Optional.empty();
        }
        JsonNode target = services(extendsNode.path("file").asText())
                .get(extendsNode.path("service").asText());
        assertThat(target).as("extends %s", extendsNode).isNotNull();
        return Optional.of(target);
    }

    static List<JsonNode> gpuDevices(JsonNode service) {
        return RenderedOverlay.elements(service.path("deploy")
                        .path("resources")
                        .path("reservations")
                        .path("devices"))
                .toList();
    }

    private void isOneNvidiaGpu(JsonNode device) {
        assertThat(device.path("driver").asText()).isEqualTo("nvidia");
        assertThat(device.path("count").asInt()).isEqualTo(1);
        assertThat(device.path("capabilities")).extracting(JsonNode::asText).contains("gpu");
    }

    /** The trainer that starts by default: a trainer-service image and no profile. */
    private static JsonNode activeTrainer(JsonNode services) {
        List<JsonNode> trainers = new ArrayList<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText().startsWith("ghcr.io/softcifar/trainer-service:")
                    && e.getValue().path("profiles").isEmpty()) {
                trainers.add(e.getValue());
            }
        });
        assertThat(trainers).as("exactly one trainer starts by default").hasSize(1);
        return trainers.get(0);
    }

    private static Map<String, String> envExample() {
        return RepoFiles.read(RepoFiles.path(ENV_EXAMPLE))
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && line.contains("="))
                .collect(Collectors.toMap(
                        line -> line.substring(0, line.indexOf('=')),
                        line -> line.substring(line.indexOf('=') + 1),
                        (a, b) -> b,
                        LinkedHashMap::new));
    }
}
