package io.softcifar.testsupport;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.EmbeddedS3;

/** {@link EmbeddedKafka} and {@link EmbeddedS3} in this JVM, both in temporary storage. */
final class EmbeddedBackend implements InfrastructureBackend {

    private final EmbeddedS3 s3;
    private final EmbeddedKafka kafka;

    private EmbeddedBackend(EmbeddedS3 s3, EmbeddedKafka kafka) {
        this.s3 = s3;
        this.kafka = kafka;
    }

    static EmbeddedBackend start() {
        EmbeddedS3 s3 = EmbeddedS3.builder().start();
        try {
            return new EmbeddedBackend(s3, EmbeddedKafka.builder().start());
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    @Override
    public InfrastructureMode mode() {
        return InfrastructureMode.EMBEDDED;
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String s3Endpoint() {
        return s3.endpoint();
    }

    @Override
    public String s3AccessKey() {
        return s3.accessKey();
    }

    @Override
    public String s3SecretKey() {
        return s3.secretKey();
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            s3.close();
        }
    }
}
