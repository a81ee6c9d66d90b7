package io.softcifar.testsupport;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.EmbeddedS3;

/** {@link EmbeddedKafka} and {@link EmbeddedS3} in this JVM, both in temporary storage. */
final class EmbeddedBackend {

    private EmbeddedBackend() {}

    static InfrastructureBackend start() {
        EmbeddedS3 s3 = EmbeddedS3.builder().start();
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.builder().start();
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        return new InfrastructureBackend(
                InfrastructureMode.EMBEDDED,
                kafka.bootstrapServers(),
                s3.endpoint(),
                s3.accessKey(),
                s3.secretKey(),
                () -> {
                    try {
                        kafka.close();
                    } finally {
                        s3.close();
                    }
                });
    }
}
