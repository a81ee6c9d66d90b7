package io.softcifar.testsupport;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.InfrastructureException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Real servers through Testcontainers: {@code apache/kafka} at the version of the Kafka client the services use, and
 * the S3 server of the compose and Kubernetes deployments (SeaweedFS; MinIO's images were withdrawn from Docker Hub,
 * see docs/deploy-s3-servers.md). Only this class touches Testcontainers, so the embedded mode (and
 * {@code softcifar up}) never loads it.
 */
final class ContainersBackend {

    /** Test-only credentials of the S3 container (test-support is never on a production class path). */
    static final String TEST_ACCESS_KEY = "softcifar-test";

    static final String TEST_SECRET_KEY = "softcifar-test-secret";

    /** Same broker version as the kafka-clients of the Quarkus BOM and as {@link EmbeddedKafka}. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    /**
     * The same image and digest as docker-compose.yml and deploy/k8s (the deploy module's tests check that they
     * agree), so a new release cannot change test results unnoticed.
     */
    static final String S3_IMAGE =
            "chrislusf/seaweedfs:4.48@sha256:4e61d15fd35994cb1e43e1e553dff106794841fd9a99ade2fc8c8bfce4d7872d";

    static final int S3_PORT = 8333;
    /** One identity with every right: the tests create and delete their own buckets. */
    static final String S3_IDENTITIES =
            "{\"identities\": [{\"name\": \"softcifar-test\", \"credentials\": [{\"accessKey\": \""
                    + TEST_ACCESS_KEY + "\", \"secretKey\": \"" + TEST_SECRET_KEY
                    + "\"}], \"actions\": [\"Admin\", \"Read\", \"Write\", \"List\", \"Tagging\"]}]}";

    private ContainersBackend() {}

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static InfrastructureBackend start() {
        if (!dockerAvailable()) {
            throw new InfrastructureException("The 'containers' test infrastructure needs a Docker engine, and none"
                    + " answers here. Run with -D" + InfrastructureMode.PROPERTY + "=embedded (or auto).");
        }
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        GenericContainer<?> s3 = seaweedfs();
        try {
            kafka.start();
            s3.start();
            return new InfrastructureBackend(
                    InfrastructureMode.CONTAINERS,
                    kafka.getBootstrapServers(),
                    "http://" + s3.getHost() + ":" + s3.getMappedPort(S3_PORT),
                    TEST_ACCESS_KEY,
                    TEST_SECRET_KEY,
                    () -> {
                        try {
                            kafka.stop();
                        } finally {
                            s3.stop();
                        }
                    });
        } catch (RuntimeException e) {
            s3.stop();
            kafka.stop();
            throw new InfrastructureException(
                    "Could not start the test containers " + KAFKA_IMAGE + " and " + S3_IMAGE + ": "
                            + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    /** SeaweedFS as in docker-compose.yml: one process, S3 gateway on 8333, identities from a file. */
    @SuppressWarnings("resource") // started and stopped by the caller
    static GenericContainer<?> seaweedfs() {
        return new GenericContainer<>(S3_IMAGE)
                .withCopyToContainer(Transferable.of(S3_IDENTITIES), "/etc/seaweedfs/s3.json")
                .withCreateContainerCmdModifier(
                        cmd -> cmd.withEntrypoint("/usr/bin/weed").withWorkingDir("/data"))
                .withCommand(
                        "server",
                        "-dir=/data",
                        "-ip.bind=0.0.0.0",
                        "-s3",
                        "-s3.port=" + S3_PORT,
                        "-s3.config=/etc/seaweedfs/s3.json",
                        "-volume.max=0",
                        "-master.volumeSizeLimitMB=64")
                .withExposedPorts(S3_PORT)
                .waitingFor(Wait.forHttp("/healthz").forPort(S3_PORT));
    }
}
