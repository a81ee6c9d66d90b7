package io.softcifar.testsupport;

import io.softcifar.infra.local.InfrastructureException;
import io.softcifar.infra.local.KafkaAdmin;
import io.softcifar.infra.local.TopicSpec;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker and S3 server shared by every integration test of one JVM: started on first use, stopped by a
 * shutdown hook when the JVM exits. Starting a broker per test class would cost seconds each time; topics and
 * object keys that include the test's name keep tests apart instead.
 *
 * <p>Which servers are used is chosen by {@link InfrastructureMode}
 * ({@code -Dsoftcifar.test.infra=embedded|containers|auto}).
 *
 * <p>"Once per JVM" holds across class loaders too. Quarkus loads test resources and tests in its own class loaders,
 * a new one per application restart, and a plain static field would start one broker per loader. So a copy of this
 * class that is not in the system class loader asks the system loader's copy, which owns the servers, for their
 * addresses ({@link #sharedCoordinates()}), and keeps nothing of its own to stop.
 */
public final class TestInfrastructure {

    /** The bucket name services get in tests; like a fresh MinIO, the store does not create it (ensureBucket does). */
    public static final String BUCKET = "softcifar-test";

    private static final Logger LOG = LoggerFactory.getLogger(TestInfrastructure.class);

    private static final String MODE = "mode";
    private static final String KAFKA = "kafka.bootstrap.servers";
    private static final String S3_ENDPOINT = "s3.endpoint";
    private static final String S3_ACCESS_KEY = "s3.access-key";
    private static final String S3_SECRET_KEY = "s3.secret-key";
    private static final String S3_BUCKET = "s3.bucket";

    private static TestInfrastructure shared;
    /** Kept so that the next test class fails at once with the same message instead of trying for 30 s again. */
    private static RuntimeException startFailure;

    private final Map<String, String> coordinates;

    TestInfrastructure(Map<String, String> coordinates) {
        for (String key : List.of(MODE, KAFKA, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET)) {
            if (coordinates.get(key) == null) {
                throw new IllegalArgumentException(
                        "Test infrastructure coordinates lack '" + key + "': " + coordinates);
            }
        }
        this.coordinates = Map.copyOf(coordinates);
    }

    /**
     * The running infrastructure, started by the first call in this JVM.
     *
     * @throws InfrastructureException when the servers cannot be started (the message says which and why)
     */
    // The first start failure is kept on purpose: later tests in the JVM fail at once with its cause instead of trying
    // (and timing out) again.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    public static synchronized TestInfrastructure get() {
        if (startFailure != null) {
            throw new InfrastructureException(
                    "The test infrastructure failed to start earlier in this JVM: " + startFailure.getMessage(),
                    startFailure);
        }
        if (shared == null) {
            try {
                shared = fromSystemClassLoader();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /**
     * The addresses of the running servers, as JDK types only, so that copies of this class in other class loaders
     * can call it reflectively. Not meant for tests: use {@link #get()}.
     */
    public static Map<String, String> sharedCoordinates() {
        return get().coordinates;
    }

    public InfrastructureMode mode() {
        return InfrastructureMode.valueOf(coordinates.get(MODE));
    }

    public String kafkaBootstrapServers() {
        return coordinates.get(KAFKA);
    }

    public String s3Endpoint() {
        return coordinates.get(S3_ENDPOINT);
    }

    public String s3AccessKey() {
        return coordinates.get(S3_ACCESS_KEY);
    }

    public String s3SecretKey() {
        return coordinates.get(S3_SECRET_KEY);
    }

    public String bucket() {
        return coordinates.get(S3_BUCKET);
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing ones are left alone. */
    public void createTopics(TopicSpec... topics) {
        KafkaAdmin.createTopics(kafkaBootstrapServers(), Arrays.asList(topics));
    }

    @Override
    public String toString() {
        return "TestInfrastructure[" + mode() + ", kafka " + kafkaBootstrapServers() + ", s3 " + s3Endpoint()
                + ", bucket " + bucket() + "]";
    }

    private static TestInfrastructure fromSystemClassLoader() {
        Class<?> owner = SystemLoaderCopy.of(TestInfrastructure.class);
        if (owner == TestInfrastructure.class) {
            return new TestInfrastructure(startServers());
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> coordinates =
                    (Map<String, String>) owner.getMethod("sharedCoordinates").invoke(null);
            LOG.debug("Using the test infrastructure of the system class loader: {}", coordinates);
            return new TestInfrastructure(coordinates);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new InfrastructureException(
                    "Test infrastructure failed: " + InfrastructureException.rootMessage(cause), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach " + owner + " in the system class loader", e);
        }
    }

    /**
     * Starts the servers with this class's loader as the context class loader: Kafka loads plugins (metrics
     * reporters, the share-group persister) by name through it, and under a Quarkus test the caller's context loader
     * holds other copies of the Kafka classes (ClassCastException / NoSuchMethodException otherwise).
     */
    private static Map<String, String> startServers() {
        Thread current = Thread.currentThread();
        ClassLoader callers = current.getContextClassLoader();
        current.setContextClassLoader(TestInfrastructure.class.getClassLoader());
        try {
            return startServersInOwnLoader();
        } finally {
            current.setContextClassLoader(callers);
        }
    }

    private static Map<String, String> startServersInOwnLoader() {
        long start = System.nanoTime();
        InfrastructureMode requested = InfrastructureMode.requested();
        InfrastructureMode mode = requested;
        if (requested == InfrastructureMode.AUTO) {
            mode = ContainersBackend.dockerAvailable() ? InfrastructureMode.CONTAINERS : InfrastructureMode.EMBEDDED;
        }
        InfrastructureBackend backend =
                mode == InfrastructureMode.CONTAINERS ? ContainersBackend.start() : EmbeddedBackend.start();
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "softcifar-test-infrastructure-stop"));

        Map<String, String> coordinates = new LinkedHashMap<>();
        coordinates.put(MODE, backend.mode().name());
        coordinates.put(KAFKA, backend.kafkaBootstrapServers());
        coordinates.put(S3_ENDPOINT, backend.s3Endpoint());
        coordinates.put(S3_ACCESS_KEY, backend.s3AccessKey());
        coordinates.put(S3_SECRET_KEY, backend.s3SecretKey());
        coordinates.put(S3_BUCKET, BUCKET);
        LOG.info(
                "Test infrastructure ({}{}) ready in {} ms: Kafka {}, S3 {}",
                backend.mode(),
                requested == InfrastructureMode.AUTO ? ", chosen by auto" : "",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                backend.kafkaBootstrapServers(),
                backend.s3Endpoint());
        return coordinates;
    }
}
