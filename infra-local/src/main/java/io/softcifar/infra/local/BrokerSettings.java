package io.softcifar.infra.local;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The configuration of the single-node KRaft broker of {@link EmbeddedKafka}. */
final class BrokerSettings {

    private BrokerSettings() {}

    /**
     * Node 1 as broker and controller on 127.0.0.1, with a static one-voter quorum. The settings a production
     * cluster would not use are commented; {@code overrides} are applied last.
     */
    static Map<String, String> singleNode(
            Path logDir, int brokerPort, int controllerPort, boolean autoCreateTopics, Map<String, String> overrides) {
        String host = LoopbackPorts.HOST;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("process.roles", "broker,controller");
        s.put("node.id", "1");
        // static voters rather than a formatted dynamic quorum, so a kept data directory may change its ports
        s.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        s.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        s.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        s.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        s.put("controller.listener.names", "CONTROLLER");
        s.put("inter.broker.listener.name", "PLAINTEXT");
        s.put("log.dirs", logDir.toString());
        s.put("num.partitions", "1");
        s.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
        // one node: the internal topics cannot have more replicas than that
        s.put("offsets.topic.replication.factor", "1");
        s.put("transaction.state.log.replication.factor", "1");
        s.put("transaction.state.log.min.isr", "1");
        s.put("share.coordinator.state.topic.replication.factor", "1");
        s.put("share.coordinator.state.topic.min.isr", "1");
        // the first consumer group and the first transaction create these topics: 1 partition each, not 50
        s.put("offsets.topic.num.partitions", "1");
        s.put("transaction.state.log.num.partitions", "1");
        // a test consumer should get its partitions at once, not after the default 3 s
        s.put("group.initial.rebalance.delay.ms", "0");
        // the log cleaner allocates this buffer at start (default 128 MiB of heap); local topics are small
        s.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        s.putAll(overrides);
        return s;
    }

    /**
     * The settings that add listener {@code SECURE} on 127.0.0.1:{@code port}, SASL_SSL with SCRAM-SHA-512 only, to
     * {@code base} (the single-node settings); the broker's own traffic stays on the plaintext listeners.
     */
    static Map<String, String> scramTlsListener(Map<String, String> base, int port, BrokerTls tls) {
        String address = "SECURE://" + LoopbackPorts.HOST + ":" + port;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", base.get("listeners") + "," + address);
        s.put("advertised.listeners", base.get("advertised.listeners") + "," + address);
        s.put("listener.security.protocol.map", base.get("listener.security.protocol.map") + ",SECURE:SASL_SSL");
        s.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        s.put("listener.name.secure.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        s.put(
                "listener.name.secure.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        s.put("listener.name.secure.ssl.keystore.type", "PKCS12");
        s.put("listener.name.secure.ssl.keystore.location", tls.keystore().toString());
        s.put("listener.name.secure.ssl.keystore.password", tls.keystorePassword());
        s.put("listener.name.secure.ssl.key.password", tls.keystorePassword());
        return s;
    }

    /** Written next to the data so that a kept directory shows how its broker was configured. */
    static Path write(Path file, Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "written by io.softcifar.infra.local.EmbeddedKafka on every start");
            return file;
        } catch (IOException e) {
            throw new InfrastructureException(
                    "Cannot write the Kafka configuration " + file + ": " + InfrastructureException.rootMessage(e), e);
        }
    }
}
