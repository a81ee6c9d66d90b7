package io.softcifar.cli.stack;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.EmbeddedS3;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The infrastructure of the local stack, in this JVM: the Kafka broker (data in {@code <home>/kafka}) and the S3
 * server (data in {@code <home>/s3}). Either can be stopped and started again on the same ports, data and
 * credentials, for tests of an outage.
 */
final class LocalInfrastructure implements AutoCloseable {

    private final Path home;
    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedS3 s3;

    private LocalInfrastructure(Path home, EmbeddedKafka kafka, EmbeddedS3 s3) {
        this.home = home;
        this.kafka = kafka;
        this.s3 = s3;
    }

    /** Starts the broker, then the S3 server (0: a free port); the broker is stopped again if the S3 server fails. */
    static LocalInfrastructure start(Path home, int kafkaPort, int s3Port) {
        EmbeddedKafka kafka = kafka(home, kafkaPort, 0);
        try {
            return new LocalInfrastructure(home, kafka, s3(home, s3Port, null));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static EmbeddedKafka kafka(Path home, int brokerPort, int controllerPort) {
        return EmbeddedKafka.builder()
                .optDataDir(home.resolve("kafka"))
                .optBrokerPort(brokerPort)
                .optControllerPort(controllerPort)
                .start();
    }

    /** An S3 server on {@code port}, with the credentials of {@code previous} (null: new random ones). */
    private static EmbeddedS3 s3(Path home, int port, EmbeddedS3 previous) {
        EmbeddedS3.Builder builder =
                EmbeddedS3.builder().optDataDir(home.resolve("s3")).optPort(port);
        if (previous != null) {
            builder.optCredentials(previous.accessKey(), previous.secretKey());
        }
        return builder.start();
    }

    String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    String s3Endpoint() {
        return s3.endpoint();
    }

    /** The environment that points a service at the broker and the S3 server ({@code bucket} is its bucket). */
    Map<String, String> serviceEnvironment(String bucket) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("S3_ENDPOINT", s3.endpoint());
        env.put("S3_ACCESS_KEY", s3.accessKey());
        env.put("S3_SECRET_KEY", s3.secretKey());
        env.put("S3_BUCKET", bucket);
        return env;
    }

    synchronized void stopKafka() {
        kafka.close();
    }

    /** The broker again after {@link #stopKafka()}: same broker and controller port, same data. */
    synchronized void startKafka() {
        kafka = kafka(home, kafka.brokerPort(), kafka.controllerPort());
    }

    synchronized void stopS3() {
        s3.close();
    }

    /** The S3 server again after {@link #stopS3()}: same port, data and credentials. */
    synchronized void startS3() {
        s3 = s3(home, s3.port(), s3);
    }

    /** Stops the S3 server, then the broker. */
    @Override
    public void close() {
        s3.close();
        kafka.close();
    }
}
