package io.softcifar.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points a Quarkus service under test at the shared {@link TestInfrastructure}:
 * {@code @QuarkusTestResource(InfrastructureTestResource.class)} (or {@code @WithTestResource}) on the test class.
 *
 * <p>The returned settings override the service's {@code application.properties}. Quarkus Dev Services are switched
 * off, since they would otherwise start their own Kafka container (or fail without Docker). Only the keys below are
 * set: a key under a {@code @ConfigMapping} prefix that the mapping does not declare fails the application start.
 */
public class InfrastructureTestResource implements QuarkusTestResourceLifecycleManager {

    /** Read by the SmallRye Kafka connector for every channel without its own {@code bootstrap.servers}. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    public static final String S3_ENDPOINT = "softcifar.s3.endpoint";
    public static final String S3_ACCESS_KEY = "softcifar.s3.access-key";
    public static final String S3_SECRET_KEY = "softcifar.s3.secret-key";
    public static final String S3_BUCKET = "softcifar.s3.bucket";

    /** The API keys file every service under test reads (service-common {@code Authentication}). */
    public static final String KEYS_FILE = "softcifar.auth.keys-file";

    @Override
    public Map<String, String> start() {
        TestCredentials.useSubmitKeyByDefault();
        return serviceConfig(TestInfrastructure.get());
    }

    /**
     * Nothing to do: the servers are shared by every test of the JVM, including the next Quarkus application
     * started after this one stops, and a shutdown hook stops them at the end.
     */
    @Override
    public void stop() {}

    /** The service settings for {@code infra}, in the project's configuration keys. */
    public static Map<String, String> serviceConfig(TestInfrastructure infra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(KAFKA_BOOTSTRAP_SERVERS, infra.kafkaBootstrapServers());
        config.put(S3_ENDPOINT, infra.s3Endpoint());
        config.put(S3_ACCESS_KEY, infra.s3AccessKey());
        config.put(S3_SECRET_KEY, infra.s3SecretKey());
        config.put(S3_BUCKET, infra.bucket());
        config.put(KEYS_FILE, TestCredentials.keysFile().toString());
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        return config;
    }
}
