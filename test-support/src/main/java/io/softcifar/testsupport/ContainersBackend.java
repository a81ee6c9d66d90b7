package io.softcifar.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The official images through Testcontainers: {@code apache/kafka} at the version of the Kafka client the services
 * use, and a pinned MinIO release. Only this class touches Testcontainers, so the embedded mode (and
 * {@code softcifar up}) never loads it.
 */
final class ContainersBackend implements InfrastructureBackend {

    /** Same broker version as the kafka-clients of the Quarkus BOM and as {@link EmbeddedKafka}. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    /** Pinned so that a new MinIO release cannot change test results unnoticed. */
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

    private final KafkaContainer kafka;
    private final MinIOContainer minio;

    private ContainersBackend(KafkaContainer kafka, MinIOContainer minio) {
        this.kafka = kafka;
        this.minio = minio;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static ContainersBackend start() {
        if (!dockerAvailable()) {
            throw new InfrastructureException("The 'containers' test infrastructure needs a Docker engine, and none"
                    + " answers here. Run with -D" + InfrastructureMode.PROPERTY + "=embedded (or auto).");
        }
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        MinIOContainer minio = new MinIOContainer(MINIO_IMAGE)
                .withUserName(EmbeddedS3.DEFAULT_ACCESS_KEY)
                .withPassword(EmbeddedS3.DEFAULT_SECRET_KEY);
        try {
            kafka.start();
            minio.start();
            return new ContainersBackend(kafka, minio);
        } catch (RuntimeException e) {
            minio.stop();
            kafka.stop();
            throw new InfrastructureException("Could not start the test containers " + KAFKA_IMAGE + " and "
                    + MINIO_IMAGE + ": " + InfrastructureException.rootMessage(e), e);
        }
    }

    @Override
    public InfrastructureMode mode() {
        return InfrastructureMode.CONTAINERS;
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String s3Endpoint() {
        return minio.getS3URL();
    }

    @Override
    public String s3AccessKey() {
        return minio.getUserName();
    }

    @Override
    public String s3SecretKey() {
        return minio.getPassword();
    }

    @Override
    public void close() {
        try {
            kafka.stop();
        } finally {
            minio.stop();
        }
    }
}
