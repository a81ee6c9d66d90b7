package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.softcifar.testsupport.Required;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard, the compose stack's Prometheus config, and the services' ports and meters they rely on. */
class MonitoringTest {

    static final String DASHBOARD = "deploy/monitoring/grafana/dashboards/softcifar.json";
    static final String PROMETHEUS = "deploy/monitoring/prometheus.yml";
    private static final Pattern SOFTCIFAR_METRIC = Pattern.compile("\\bsoftcifar_[a-z0-9_]+");
    /** What Micrometer's Prometheus naming appends to a meter's name. */
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(sum|count|max|total|bucket)$");

    @Test
    void dashboardHasThePanelsOfIssue7() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(RepoFiles.read(RepoFiles.path(DASHBOARD)));
        Map<String, String> exprByPanel = RenderedOverlay.elements(dashboard.path("panels"))
                .collect(Collectors.toMap(
                        panel -> panel.path("title").asText(),
                        panel -> RenderedOverlay.elements(panel.path("targets"))
                                .map(t -> t.path("expr").asText())
                                .collect(Collectors.joining("\n"))));
        assertThat(exprByPanel.get("Training images/s")).contains("softcifar_trainer_images_per_second");
        assertThat(exprByPanel.get("Runs by state"))
                .contains("softcifar_results_runs")
                .contains("by (state)");
        assertThat(exprByPanel.get("Consumer lag")).contains("kafka_consumergroup_lag");
        assertThat(exprByPanel.get("Evaluation time")).contains("softcifar_evaluator_evaluation_seconds");
        assertThat(exprByPanel.values()).allSatisfy(expr -> assertThat(expr).isNotBlank());
    }

    /** Each softcifar_* series of the dashboard comes from a meter some service registers (dots become '_'). */
    @Test
    void dashboardUsesOnlyMetersTheServicesRegister() {
        String dashboard = RepoFiles.read(RepoFiles.path(DASHBOARD));
        Set<String> meters = new TreeSet<>();
        Matcher matcher = SOFTCIFAR_METRIC.matcher(dashboard);
        while (matcher.find()) {
            meters.add(SERIES_SUFFIX.matcher(matcher.group()).replaceFirst("").replace('_', '.'));
        }
        String sources = serviceSources();
        assertThat(meters)
                .isNotEmpty()
                .allSatisfy(meter -> assertThat(sources)
                        .as("a service registers the meter \"%s\"", meter)
                        .contains("\"" + meter + "\""));
    }

    @Test
    void portsAgreeWithEveryServicesQuarkusHttpPort() {
        KubernetesManifestsTest.SERVICES.forEach((service, port) -> {
            Path properties = RepoFiles.path(service + "/src/main/resources/application.properties");
            Required.present(Files.exists(properties), properties + " is absent: port not checked");
            Properties config = new Properties();
            try (var in = Files.newInputStream(properties)) {
                config.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(config.getProperty("quarkus.http.port")).as(service).isEqualTo(port.toString());
            assertThat(config.getProperty("quarkus.management.enabled"))
                    .as(service)
                    .isEqualTo("true");
            assertThat(config.getProperty("quarkus.management.port"))
                    .as(service)
                    .isEqualTo(KubernetesManifestsTest.MANAGEMENT.get(service).toString());
        });
    }

    @Test
    void composePrometheusScrapesEveryServiceAndTheKafkaExporter() {
        JsonNode prometheus = RepoFiles.document(RepoFiles.path(PROMETHEUS));
        List<JsonNode> jobs =
                RenderedOverlay.elements(prometheus.path("scrape_configs")).toList();
        Set<String> targets = jobs.stream()
                .flatMap(job -> RenderedOverlay.elements(job.path("static_configs")))
                .flatMap(config -> RenderedOverlay.elements(config.path("targets")))
                .map(JsonNode::asText)
                .collect(Collectors.toSet());
        // the management ports: the HTTP ports need a credential
        KubernetesManifestsTest.MANAGEMENT.forEach(
                (service, port) -> assertThat(targets).contains(service + ":" + port));
        assertThat(targets).contains("trainer-service-cpu:9082", "kafka-exporter:9308");
        assertThat(jobs)
                .filteredOn(job -> job.path("job_name").asText().equals("softcifar-services"))
                .singleElement()
                .satisfies(job -> assertThat(job.path("metrics_path").asText()).isEqualTo("/q/metrics"));
    }

    private static String serviceSources() {
        StringBuilder all = new StringBuilder();
        for (String service : KubernetesManifestsTest.SERVICES.keySet()) {
            Path sources = RepoFiles.path(service + "/src/main/java");
            Required.present(Files.isDirectory(sources), sources + " is absent: meters not checked");
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> all.append(RepoFiles.read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toString();
    }
}
