package io.softcifar.cli.stack;

import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.infra.local.EmbeddedS3;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole system on one machine without Docker: a real Kafka broker (KRaft) and a real S3 server (s3proxy), both
 * in this JVM with their data under {@code home}, and the services as child JVMs wired to them. A supervisor
 * restarts a service that dies, like a compose restart policy, so killing a trainer mid-run is survivable.
 */
public final class LocalStack implements AutoCloseable {

    /** A service of the stack: its module folder and HTTP port. */
    public record ServiceDef(String name, String module, int port) {}

    public static final List<ServiceDef> SERVICES = List.of(
            new ServiceDef("results", "results-service", 8080),
            new ServiceDef("dataset", "dataset-service", 8081),
            new ServiceDef("trainer", "trainer-service", 8082),
            new ServiceDef("evaluator", "evaluator-service", 8083));

    public static final String BUCKET = "softcifar";
    /** Where the services listen unless {@code --bind} says otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final PrintWriter out;
    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedS3 s3;
    private final List<ServiceProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Path> importRoots;
    private final String bind;
    private Map<String, List<String>> extraJvmArgs = Map.of();
    private Path root;
    private Path home;
    private Path keysFile;
    private final Thread supervisor;
    private volatile boolean stopping;

    private LocalStack(PrintWriter out, EmbeddedKafka kafka, EmbeddedS3 s3, List<Path> importRoots, String bind) {
        this.out = out;
        this.importRoots = List.copyOf(importRoots);
        this.bind = bind;
        this.kafka = kafka;
        this.s3 = s3;
        this.supervisor = new Thread(this::supervise, "softcifar-up-supervisor");
        this.supervisor.setDaemon(true);
    }

    /**
     * Starts the broker, the S3 server and {@code services} (in that order), and returns once every service is ready.
     *
     * @param root the repository (where {@code <module>/target/quarkus-app/quarkus-run.jar} are)
     * @param home data, logs and work folders
     */
    public static LocalStack start(
            Path root, Path home, int kafkaPort, int s3Port, List<ServiceDef> services, PrintWriter out) {
        return start(root, home, kafkaPort, s3Port, services, List.of(), out);
    }

    /**
     * As above; the dataset-service may import local files only under {@code importRoots} (none: no local imports).
     */
    public static LocalStack start(
            Path root,
            Path home,
            int kafkaPort,
            int s3Port,
            List<ServiceDef> services,
            List<Path> importRoots,
            PrintWriter out) {
        return start(root, home, kafkaPort, s3Port, services, importRoots, LOOPBACK, out);
    }

    /**
     * As above, with the services' HTTP listening on {@code bind} ({@link #LOOPBACK} unless the user says otherwise;
     * the broker and the S3 server always listen on 127.0.0.1 only).
     */
    public static LocalStack start(
            Path root,
            Path home,
            int kafkaPort,
            int s3Port,
            List<ServiceDef> services,
            List<Path> importRoots,
            String bind,
            PrintWriter out) {
        return start(root, home, kafkaPort, s3Port, services, importRoots, bind, Map.of(), out);
    }

    /**
     * As above, with extra JVM arguments per service ({@link ServiceDef#name()} → arguments, e.g. {@code -D} settings
     * that a fault-injection test lowers so that an outage outlasts them).
     */
    public static LocalStack start(
            Path root,
            Path home,
            int kafkaPort,
            int s3Port,
            List<ServiceDef> services,
            List<Path> importRoots,
            String bind,
            Map<String, List<String>> extraJvmArgs,
            PrintWriter out) {
        if (!LOOPBACK.equals(bind)) {
            out.printf("The services listen on %s (--bind): anyone who reaches this address can use them%n", bind);
        }
        out.printf("Starting Kafka (127.0.0.1:%d) and S3 (127.0.0.1:%d), data in %s%n", kafkaPort, s3Port, home);
        out.println(
                importRoots.isEmpty()
                        ? "No --import-root: the dataset-service imports no local folder (only downloads)"
                        : "Local imports from: "
                                + importRoots.stream()
                                        .map(Path::toString)
                                        .collect(java.util.stream.Collectors.joining(", ")));
        out.flush();
        EmbeddedKafka kafka = EmbeddedKafka.builder()
                .optDataDir(home.resolve("kafka"))
                .optBrokerPort(kafkaPort)
                .start();
        EmbeddedS3 s3;
        try {
            s3 = EmbeddedS3.builder()
                    .optDataDir(home.resolve("s3"))
                    .optPort(s3Port)
                    .start();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LocalStack stack = new LocalStack(out, kafka, s3, importRoots, bind);
        stack.extraJvmArgs = Map.copyOf(extraJvmArgs);
        stack.root = root;
        stack.home = home;
        try {
            stack.keysFile = ApiToken.ensure(home);
            out.printf(
                    "API token (submit role) in %s; the CLI and ./softcifar open use it%n",
                    home.resolve(ApiToken.FILE_NAME));
            for (ServiceDef def : services) {
                stack.processes.add(stack.process(root, home, def));
            }
            for (ServiceProcess p : stack.processes) {
                p.start();
            }
            for (ServiceProcess p : stack.processes) {
                out.printf("  waiting for %-9s on :%d (log %s)%n", p.name, p.port, p.log());
                out.flush();
                p.awaitReady(READY_TIMEOUT);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        stack.supervisor.start();
        return stack;
    }

    private ServiceProcess process(Path root, Path home, ServiceDef def) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("S3_ENDPOINT", s3.endpoint());
        env.put("S3_ACCESS_KEY", s3.accessKey());
        env.put("S3_SECRET_KEY", s3.secretKey());
        env.put("S3_BUCKET", BUCKET);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(def.port()));
        env.put("QUARKUS_HTTP_HOST", bind);
        // health and metrics on the management interface, unauthenticated: the HTTP port + 1000 (8080 → 9080)
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort(def.port())));
        env.put("QUARKUS_MANAGEMENT_HOST", bind);
        env.put("SOFTCIFAR_AUTH_KEYS_FILE", keysFile.toString());
        if (System.getenv("SOFTCIFAR_AUTH_ALLOWED_HOSTS") == null
                && Set.of("0.0.0.0", "::", "[::]").contains(bind)) {
            // every interface: the Host names a client may use are this machine's name and addresses too
            env.put("SOFTCIFAR_AUTH_ALLOWED_HOSTS", wildcardHosts());
        }
        Path work = home.resolve("work").resolve(def.name());
        env.put("DATASET_WORK_DIR", work.toString());
        env.put("SOFTCIFAR_WORK_DIR", work.toString());
        env.put("TRAINER_WORK_DIR", work.toString());
        env.put("EVALUATOR_WORK_DIR", work.toString());
        if (!importRoots.isEmpty()) {
            env.put("SOFTCIFAR_DATASET_IMPORT_ROOTS", importRootsValue(importRoots));
        }
        List<String> jvm = new ArrayList<>(List.of("-Dai.djl.offline=true", "-Xss4m"));
        jvm.addAll(extraJvmArgs.getOrDefault(def.name(), List.of()));
        Path jar = root.resolve(def.module()).resolve("target/quarkus-app/quarkus-run.jar");
        boolean standard = SERVICES.stream()
                .anyMatch(s -> s.name().equals(def.name()) && s.module().equals(def.module()));
        // a second replica of a module (tests) gets its own log; the standard names stay as they were
        String logName = standard ? def.module() : def.module() + "-" + def.name();
        return new ServiceProcess(
                def.name() + "-service",
                probeHost(bind),
                def.port(),
                managementPort(def.port()),
                jar,
                env,
                jvm,
                home.resolve("logs").resolve(logName + ".log"));
    }

    /** A service's management port (health, metrics): its HTTP port + 1000, or − 1000 above 64535. */
    public static int managementPort(int httpPort) {
        return httpPort + 1000 <= 65535 ? httpPort + 1000 : httpPort - 1000;
    }

    /**
     * Starts one more service (e.g. a second trainer replica, {@code ServiceDef("trainer2", "trainer-service", port)})
     * with the stack's wiring and the extra JVM arguments given for its name, waits until it is ready, and puts it
     * under the supervisor like the others.
     */
    public void addService(ServiceDef def) {
        ServiceProcess p = process(root, home, def);
        p.start();
        processes.add(p);
        p.awaitReady(READY_TIMEOUT);
    }

    /** The process id of service {@code name} (e.g. {@code trainer-service}) now, or -1 when it does not run. */
    public long pid(String name) {
        return service(name).pid();
    }

    /** How often the supervisor restarted service {@code name}. */
    public int restarts(String name) {
        return service(name).restarts();
    }

    /** True when service {@code name}'s readiness ({@code /q/health/ready} on its management port) answers UP. */
    public boolean isReady(String name) {
        return service(name).isReady();
    }

    /** The log file of service {@code name}. */
    public Path log(String name) {
        return service(name).log();
    }

    private ServiceProcess service(String name) {
        return processes.stream()
                .filter(p -> p.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name + " in this stack"));
    }

    /** Stops the broker (tests: an outage); {@link #startKafka()} starts it again on the same ports and data. */
    public synchronized void stopKafka() {
        kafka.close();
    }

    /** Starts the broker stopped by {@link #stopKafka()} again: same broker and controller port, same data. */
    public synchronized void startKafka() {
        EmbeddedKafka old = kafka;
        kafka = EmbeddedKafka.builder()
                .optDataDir(home.resolve("kafka"))
                .optBrokerPort(old.brokerPort())
                .optControllerPort(old.controllerPort())
                .start();
    }

    /** Stops the S3 server (tests: an outage); {@link #startS3()} starts it again on the same port and data. */
    public synchronized void stopS3() {
        s3.close();
    }

    /** Starts the S3 server stopped by {@link #stopS3()} again: same port, data and credentials. */
    public synchronized void startS3() {
        EmbeddedS3 old = s3;
        s3 = EmbeddedS3.builder()
                .optDataDir(home.resolve("s3"))
                .optPort(old.port())
                .optCredentials(old.accessKey(), old.secretKey())
                .start();
    }

    /** Where this process reaches a service listening on {@code bind}: a wildcard or loopback address via localhost. */
    /** localhost, the loopback addresses, this machine's host name and every address of its interfaces. */
    static String wildcardHosts() {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        try {
            hosts.add(java.net.InetAddress.getLocalHost().getHostName());
            for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                    String a = address.getHostAddress().replaceAll("%.*$", "");
                    hosts.add(a.contains(":") ? "[" + a + "]" : a);
                }
            }
        } catch (java.io.IOException e) {
            // the loopback names only; SOFTCIFAR_AUTH_ALLOWED_HOSTS sets them explicitly
        }
        return String.join(",", hosts);
    }

    static String probeHost(String bind) {
        return switch (bind) {
            case "0.0.0.0", "::", "[::]", LOOPBACK, "localhost" -> "localhost";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
    }

    /** A list value of Quarkus configuration: comma-separated, a comma inside a path escaped as {@code \\,}. */
    static String importRootsValue(List<Path> roots) {
        return String.join(
                ",",
                roots.stream()
                        .map(p -> p.toString().replace("\\", "\\\\").replace(",", "\\,"))
                        .toList());
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    /** The process ids of the services now running (for tests that kill one: by id, never by name). */
    public List<Long> servicePids() {
        return processes.stream()
                .map(ServiceProcess::pid)
                .filter(pid -> pid > 0)
                .toList();
    }

    /** name → URL of every service. */
    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        processes.forEach(p -> urls.put(p.name, p.url()));
        return urls;
    }

    public void printUrls(PrintWriter out) {
        processes.forEach(p -> out.printf(
                "  %-18s %s  (Swagger UI: %s/q/swagger-ui; health and metrics: :%d/q/)%n",
                p.name, p.url(), p.url(), managementPort(p.port)));
        out.printf(
                "  %-18s %s (sent by the CLI; web pages: ./softcifar open STUDY)%n",
                "API token", home.resolve(ApiToken.FILE_NAME));
        out.printf("  %-18s %s%n  %-18s %s%n", "kafka", kafkaBootstrapServers(), "s3", s3Endpoint());
        out.flush();
    }

    /** Blocks until Ctrl-C (SIGINT/SIGTERM), then stops everything. */
    public void runUntilInterrupted(PrintWriter out) {
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("\nStopping ...");
                            out.flush();
                            close();
                            stopped.countDown();
                        },
                        "softcifar-up-stop"));
        out.println("Ctrl-C stops everything.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Restarts services whose process ended, with a pause that grows with repeated crashes. */
    private void supervise() {
        while (!stopping) {
            for (ServiceProcess p : processes) {
                if (!stopping && !p.isAlive()) {
                    int code = p.exitCode();
                    long backoff = Math.min(30_000, 1_000L << Math.min(p.restarts(), 5));
                    out.printf(
                            "softcifar up: %s exited with code %d; restarting in %d s (restart %d); log %s%n",
                            p.name, code, backoff / 1000, p.restarts() + 1, p.log());
                    out.flush();
                    ServiceProcess.sleep(backoff);
                    if (!stopping) {
                        p.restart();
                    }
                }
            }
            ServiceProcess.sleep(1_000);
        }
    }

    /** Stops the services (gracefully, then forcibly), then the S3 server and the broker. */
    @Override
    public void close() {
        stopping = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(30));
        }
        s3.close();
        kafka.close();
    }
}
