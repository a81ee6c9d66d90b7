package io.softcifar.testsupport;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.EmbeddedS3;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the Kafka broker and the S3 server of the tests come from, chosen by the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV} (the property wins).
 *
 * <p>The default is {@link #EMBEDDED}, whether or not Docker is there: the same servers on every laptop and in CI
 * (which has no Docker) make a failure reproducible, and they start in seconds without pulling images.
 */
public enum InfrastructureMode {

    /** Kafka and S3 in this JVM ({@link EmbeddedKafka}, {@link EmbeddedS3}); needs nothing installed. */
    EMBEDDED,
    /** {@code apache/kafka} and the deployments' S3 server (SeaweedFS) through Testcontainers; needs Docker. */
    CONTAINERS,
    /** {@link #CONTAINERS} when a Docker engine answers, otherwise {@link #EMBEDDED}. */
    AUTO;

    public static final String PROPERTY = "softcifar.test.infra";
    public static final String ENV = "SOFTCIFAR_TEST_INFRA";

    /** The mode asked for by the property or the environment, {@link #EMBEDDED} when neither is set. */
    public static InfrastructureMode requested() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property, "system property " + PROPERTY);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return parse(env, "environment variable " + ENV);
        }
        return EMBEDDED;
    }

    static InfrastructureMode parse(String value, String source) {
        String normalized = value.strip().toUpperCase(Locale.ROOT);
        for (InfrastructureMode mode : values()) {
            if (mode.name().equals(normalized)) {
                return mode;
            }
        }
        String allowed = Arrays.stream(values())
                .map(m -> m.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(source + " is '" + value + "'; use one of " + allowed);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
