package io.softcifar.infra.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bringing a configured KRaft node up and down: Kafka's check of the settings, {@code startup()} within a timeout on
 * a thread of its own, the wait until the node serves clients (also as the first SCRAM user over SASL_SSL), and a
 * quiet shutdown. Every failure is an {@link InfrastructureException} naming the port and the data directory.
 */
final class BrokerLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private BrokerLifecycle() {}

    /** Kafka's own check of the settings, so that a bad override is reported as such, before formatting. */
    static KafkaConfig validated(Map<String, String> settings, Path configFile) {
        try {
            return new KafkaConfig(settings, false);
        } catch (RuntimeException e) {
            throw new InfrastructureException(
                    "Kafka refused the broker settings (written to " + configFile + "): "
                            + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    /** Starts the node, or stops what it started and fails when startup fails or outlasts {@code timeout}. */
    static KafkaRaftServer startup(KafkaConfig config, Duration timeout, String where, int controller, Path dir) {
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            runWithTimeout(server::startup, timeout);
        } catch (TimeoutException e) {
            // best effort: startup() may still be running on its thread; shutdown() stops what it has started
            stopQuietly(server);
            throw new InfrastructureException(
                    "Kafka broker did not become ready on " + where + " within "
                            + timeout.toSeconds() + " s: startup did not finish (controller port " + controller
                            + ", data " + dir + ")",
                    e);
        } catch (ExecutionException e) {
            stopQuietly(server);
            throw new InfrastructureException(
                    "Kafka broker could not start on " + where + " (controller port " + controller + ", data " + dir
                            + "): " + InfrastructureException.rootMessage(e),
                    e.getCause());
        }
        return server;
    }

    /**
     * Waits until the node serves clients; with SCRAM users, creates them and waits until the first one is served
     * over the SASL_SSL listener.
     */
    static void awaitReady(
            EmbeddedKafka kafka, Map<String, String> scramUsers, BrokerTls tls, long deadline, Duration timeout) {
        KafkaAdmin.awaitReady(kafka.bootstrapServers(), deadline, timeout);
        if (tls != null) {
            KafkaAdmin.upsertScramUsers(kafka.bootstrapServers(), scramUsers);
            Map.Entry<String, String> first = scramUsers.entrySet().iterator().next();
            KafkaAdmin.awaitReady(
                    kafka.secureBootstrapServers(),
                    scramClient(first.getKey(), first.getValue(), tls),
                    deadline,
                    timeout);
        }
    }

    static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly: {}", InfrastructureException.rootMessage(e));
        }
    }

    /** The client settings of a SCRAM user on the SASL_SSL listener (for the readiness check). */
    private static Map<String, Object> scramClient(String user, String password, BrokerTls tls) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required " + "username=\"" + escapeJaas(user)
                        + "\" password=\"" + escapeJaas(password) + "\";");
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", tls.caCertificate().toString());
        return props;
    }

    private static String escapeJaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Runs the blocking {@code KafkaRaftServer.startup()} on its own thread, so that a broker that never comes
     * up (e.g. a controller without quorum) fails the caller after the timeout instead of hanging it.
     */
    private static void runWithTimeout(Runnable task, Duration timeout) throws ExecutionException, TimeoutException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        task.run();
                        done.complete(null);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                },
                "softcifar-kafka-startup");
        // Kafka instantiates plugins by class name through the context class loader, and the threads it starts
        // inherit this one's. Under a Quarkus test that loader is Quarkus's, which has its own copies of the Kafka
        // classes: the broker then fails with NoSuchMethodException on DefaultStatePersister. Use ours.
        thread.setContextClassLoader(EmbeddedKafka.class.getClassLoader());
        thread.setDaemon(true);
        thread.start();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("Interrupted while the Kafka broker was starting", e);
        }
    }
}
