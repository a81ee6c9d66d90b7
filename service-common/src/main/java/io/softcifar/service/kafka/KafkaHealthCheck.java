package io.softcifar.service.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the broker answers this service's admin client, built from {@link KafkaSettings#clientProperties()} like
 * every other client, so it authenticates as the service does. It replaces Quarkus's own Kafka health check
 * ({@code quarkus.kafka.health.enabled=false}), whose admin client reads only the {@code kafka.*} keys and would talk
 * plaintext to a SASL_SSL listener.
 */
@Readiness
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {

    static final String NAME = "Kafka connection health check";
    private static final int TIMEOUT_MS = 5_000;

    @Inject
    KafkaSettings settings;

    private volatile Admin admin;

    /** A check outside CDI (tests); close it with {@link #close()}. */
    // Field injection for CDI; outside CDI this factory sets the same fields, so the bean has one shape in both worlds.
    @SuppressWarnings("UnnecessaryAssignment")
    public static KafkaHealthCheck of(KafkaSettings settings) {
        KafkaHealthCheck check = new KafkaHealthCheck();
        check.settings = settings;
        return check;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Collection<Node> nodes = admin().describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            StringBuilder list = new StringBuilder();
            for (Node node : nodes) {
                list.append(list.isEmpty() ? "" : ",")
                        .append(node.host())
                        .append(':')
                        .append(node.port());
            }
            return HealthCheckResponse.named(NAME)
                    .up()
                    .withData("nodes", list.toString())
                    .build();
        } catch (ExecutionException e) {
            return down(
                    e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                            ? noAnswer()
                            : String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            return down(noAnswer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (RuntimeException e) {
            return down(String.valueOf(e.getMessage()));
        }
    }

    /**
     * A TLS listener closes a plaintext client's connections without an error the client could report, so a
     * protocol mismatch looks like silence: say so when this service does not use TLS.
     */
    private String noAnswer() {
        KafkaSecurity security = settings.security();
        return "no answer from " + settings.bootstrapServers() + " within " + TIMEOUT_MS + " ms"
                + (security.usesTls()
                        ? ""
                        : " (" + KafkaSecurity.PROTOCOL + " is " + security.protocol()
                                + ": if the listener uses TLS, it drops this service's connections without an error)");
    }

    private static HealthCheckResponse down(String reason) {
        return HealthCheckResponse.named(NAME).down().withData("reason", reason).build();
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> props = new HashMap<>(settings.clientProperties());
                    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                    admin = Admin.create(props);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    public void close() {
        Admin a = admin;
        if (a != null) {
            a.close(java.time.Duration.ofSeconds(2));
        }
    }
}
