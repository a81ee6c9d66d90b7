package io.softcifar.infra.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker inside this JVM: one KRaft node that is both broker and controller, listening on the
 * loopback interface only.
 *
 * <p>It is the same broker code as the {@code apache/kafka} image, so tests exercise real partitions, consumer
 * groups, compaction and transactions, without Docker and in a few seconds. The single-node settings that a
 * production cluster would not use (replication factor 1 for the internal topics, no initial rebalance delay, one
 * partition for {@code __consumer_offsets}) are chosen to make the first consumer group fast.
 *
 * <p>Without a data directory the broker lives in a temporary directory that {@link #close()} deletes. With one
 * ({@code softcifar up}), the directory is formatted on the first start only, so topics and offsets survive restarts.
 *
 * <p>Optionally ({@link Builder#optScramUser}) a second listener speaks SASL_SSL with SCRAM-SHA-512, as a Strimzi
 * cluster's authenticated listener does: its TLS key store is generated at each start ({@link BrokerTls}), the SCRAM
 * users are created through the admin API, and {@link Builder#start()} returns once a client of the first user has been
 * served over it. The plaintext listener stays (the broker's own and the admin tools' way in).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean temporary;
    private final Listeners listeners;
    private final BrokerTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The ports the node listens on 127.0.0.1; {@code secure} is 0 without a SASL_SSL listener. */
    private record Listeners(int broker, int controller, int secure) {}

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean temporary, Listeners listeners, BrokerTls tls) {
        this.server = server;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.listeners = listeners;
        this.tls = tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:PORT}, the value for {@code bootstrap.servers} / {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return LoopbackPorts.HOST + ":" + listeners.broker();
    }

    public int brokerPort() {
        return listeners.broker();
    }

    public int controllerPort() {
        return listeners.controller();
    }

    /** Whether the SASL_SSL listener runs ({@link Builder#optScramUser}). */
    public boolean hasSecureListener() {
        return tls != null;
    }

    /** {@code 127.0.0.1:PORT} of the SASL_SSL (SCRAM-SHA-512) listener. */
    public String secureBootstrapServers() {
        requireSecure();
        return LoopbackPorts.HOST + ":" + listeners.secure();
    }

    /** The CA certificate (PEM) a client of the SASL_SSL listener trusts; the broker's certificate names 127.0.0.1. */
    public Path caCertificate() {
        requireSecure();
        return tls.caCertificate();
    }

    /** The same CA certificate in a PKCS12 trust store, as Strimzi's {@code ca.p12}. */
    public Path caTruststore() {
        requireSecure();
        return tls.caTruststore();
    }

    /** The password of {@link #caTruststore()}, random per start. */
    public String caTruststorePassword() {
        requireSecure();
        return tls.caTruststorePassword();
    }

    private void requireSecure() {
        if (tls == null) {
            throw new IllegalStateException("this embedded Kafka broker has no SASL_SSL listener; add a SCRAM user "
                    + "with EmbeddedKafka.builder().optScramUser(name, password)");
        }
    }

    /** The broker's data directory: its {@code server.properties} and, under {@code logs/}, the partitions. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing ones are left alone. */
    public void createTopics(TopicSpec... topics) {
        KafkaAdmin.createTopics(bootstrapServers(), Arrays.asList(topics));
    }

    /** Stops the broker and waits until it has stopped; deletes the data directory if it was a temporary one. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        BrokerLifecycle.stopQuietly(server);
        if (temporary) {
            Directories.deleteQuietly(dataDir);
        }
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), millisSince(start));
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Settings of an {@link EmbeddedKafka}; everything is optional. {@code opt*} names follow the house style for
     * optional builder settings.
     */
    public static final class Builder {

        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private boolean autoCreateTopics = true;
        private Duration startupTimeout = Duration.ofSeconds(30);
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> scramUsers = new LinkedHashMap<>();
        private int securePort;

        private Builder() {}

        /** Keep the broker's data here, formatted on the first start only (default: a temporary directory). */
        public Builder optDataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** The client port on 127.0.0.1 (default 0: a free port). */
        public Builder optBrokerPort(int port) {
            LoopbackPorts.requireValid(port, "Kafka broker");
            this.brokerPort = port;
            return this;
        }

        /** The KRaft controller port on 127.0.0.1 (default 0: a free port). */
        public Builder optControllerPort(int port) {
            LoopbackPorts.requireValid(port, "Kafka controller");
            this.controllerPort = port;
            return this;
        }

        /**
         * Whether producing to or subscribing to an unknown topic creates it (default true, as in Kafka). Turn it
         * off to check that every topic a service uses is created on purpose.
         */
        public Builder optAutoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /** How long {@link #start()} waits in all for the broker to serve clients (default 30 s). */
        public Builder optStartupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Startup timeout must be positive, got " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Adds a SCRAM-SHA-512 user and with the first one a SASL_SSL listener on 127.0.0.1 (a TLS key store made
         * at start with the JDK's {@code keytool}, about 2 s). Users are created (or their passwords set again on a
         * kept data directory) through the admin API once the broker runs; {@link #start()} checks the listener as
         * the first user (a cluster description, which needs no ACL under {@link #optAclAuthorizer}).
         */
        public Builder optScramUser(String name, String password) {
            if (Objects.requireNonNull(name, "name").isEmpty()
                    || Objects.requireNonNull(password, "password").isEmpty()) {
                throw new IllegalArgumentException("SCRAM user name and password must not be empty");
            }
            scramUsers.put(name, password);
            return this;
        }

        /**
         * Enforces ACLs, as a Strimzi cluster with {@code authorization: simple} does: Kafka's
         * {@code StandardAuthorizer}, and a principal without an allowing ACL is refused. The plaintext listeners'
         * principal ({@code User:ANONYMOUS}: the node itself, the admin calls of this class, any loopback client) and
         * the SCRAM users named here are super users; other SCRAM users get only the ACLs a test creates.
         */
        public Builder optAclAuthorizer(String... superUsers) {
            StringBuilder users = new StringBuilder("User:ANONYMOUS");
            for (String user : superUsers) {
                users.append(";User:").append(Objects.requireNonNull(user, "superUser"));
            }
            overrides.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            overrides.put("super.users", users.toString());
            return this;
        }

        /** The SASL_SSL listener's port on 127.0.0.1 (default 0: a free port); only with {@link #optScramUser}. */
        public Builder optSecurePort(int port) {
            LoopbackPorts.requireValid(port, "Kafka SASL_SSL listener");
            this.securePort = port;
            return this;
        }

        /** Any other broker setting, e.g. {@code log.retention.ms}; applied last, so it wins over the defaults. */
        public Builder optBrokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Formats the data directory if needed, starts the broker and returns once it serves clients.
         *
         * @throws InfrastructureException naming the port, the data directory and the cause when it cannot start
         */
        public EmbeddedKafka start() {
            boolean temporary = dataDir == null;
            Path dir =
                    temporary ? Directories.createTemp("softcifar-kafka-") : Directories.createKept(dataDir, "Kafka");
            try {
                int broker = resolvePort(brokerPort, "Kafka broker", controllerPort);
                int controller = resolvePort(controllerPort, "Kafka controller", broker);
                Path logDir = dir.resolve("logs");
                Map<String, String> settings = new LinkedHashMap<>(
                        BrokerSettings.singleNode(logDir, broker, controller, autoCreateTopics, Map.of()));
                int secure = 0;
                BrokerTls tls = null;
                if (!scramUsers.isEmpty()) {
                    secure = resolvePort(securePort, "Kafka SASL_SSL listener", broker, controller);
                    tls = BrokerTls.generate(dir.resolve("tls"));
                    settings.putAll(BrokerSettings.scramTlsListener(settings, secure, tls));
                } else if (securePort != 0) {
                    throw new IllegalArgumentException("optSecurePort needs a SCRAM user (optScramUser)");
                }
                settings.putAll(overrides);
                Path configFile = BrokerSettings.write(dir.resolve("server.properties"), settings);
                KafkaConfig config = BrokerLifecycle.validated(settings, configFile);
                KRaftStorage.formatIfNeeded(configFile, logDir);
                return launch(config, dir, temporary, broker, controller, secure, tls);
            } catch (RuntimeException e) {
                if (temporary) {
                    Directories.deleteQuietly(dir);
                }
                throw e;
            }
        }

        private EmbeddedKafka launch(
                KafkaConfig config,
                Path dir,
                boolean temporary,
                int broker,
                int controller,
                int secure,
                BrokerTls tls) {
            long start = System.nanoTime();
            long deadline = start + startupTimeout.toNanos();
            String where = LoopbackPorts.HOST + ":" + broker;
            KafkaRaftServer server = BrokerLifecycle.startup(config, startupTimeout, where, controller, dir);
            EmbeddedKafka kafka =
                    new EmbeddedKafka(server, dir, temporary, new Listeners(broker, controller, secure), tls);
            try {
                BrokerLifecycle.awaitReady(kafka, scramUsers, tls, deadline, startupTimeout);
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            LOG.info("Kafka broker ready on {} in {} ms (data {})", where, millisSince(start), dir);
            return kafka;
        }

        /** The requested port if it is free, or a free one other than those {@code taken} when 0 was requested. */
        private static int resolvePort(int requested, String what, int... taken) {
            if (requested != 0) {
                for (int t : taken) {
                    if (requested == t) {
                        throw new IllegalArgumentException(
                                "Kafka broker, controller and SASL_SSL ports must " + "differ, two are " + requested);
                    }
                }
                LoopbackPorts.requireFree(requested, what);
                return requested;
            }
            while (true) {
                int port = LoopbackPorts.pickFree();
                if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                    return port;
                }
            }
        }
    }
}
