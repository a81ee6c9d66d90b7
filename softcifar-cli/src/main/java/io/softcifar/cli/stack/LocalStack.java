package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine without Docker: a real Kafka broker (KRaft) and a real S3 server (s3proxy), both
 * in this JVM with their data under {@code home} ({@link LocalInfrastructure}), and the services as child JVMs
 * ({@link ServiceProcess}) wired to them ({@link ServiceWiring}). A {@link Supervisor} restarts a service that dies,
 * like a compose restart policy, so killing a trainer mid-run is survivable. This class starts them in order, answers
 * for them (URLs, process ids, readiness) and stops them.
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

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final LocalInfrastructure infrastructure;
    private final ServiceWiring wiring;
    private final Path home;
    private final List<ServiceProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Supervisor supervisor;

    private LocalStack(PrintWriter out, LocalInfrastructure infrastructure, ServiceWiring wiring, Path home) {
        this.infrastructure = infrastructure;
        this.wiring = wiring;
        this.home = home;
        this.supervisor = new Supervisor(processes, out);
    }

    /**
     * Starts the broker, the S3 server and {@code services} (in that order), and returns once every service is ready.
     * The dataset-service may import local files only under {@code importRoots} (none: no local imports). The
     * services' HTTP listens on {@code bind} ({@link #LOOPBACK} unless the user says otherwise; the broker and the S3
     * server always listen on 127.0.0.1 only); {@code extraJvmArgs} are extra JVM arguments per service
     * ({@link ServiceDef#name()} → arguments, e.g. {@code -D} settings that a fault-injection test lowers so that an
     * outage outlasts them; usually empty).
     *
     * @param root the repository (where {@code <module>/target/quarkus-app/quarkus-run.jar} are)
     * @param home data, logs and work folders
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
        requireFreePorts(services, bind); // before anything starts: a taken port leaves nothing behind
        LocalInfrastructure infrastructure = LocalInfrastructure.start(home, kafkaPort, s3Port);
        LocalStack stack = null;
        try {
            Path keysFile = ApiToken.ensure(home);
            out.printf(
                    "API token (submit role) in %s; the CLI and ./softcifar open use it%n",
                    home.resolve(ApiToken.FILE_NAME));
            ServiceWiring wiring =
                    new ServiceWiring(infrastructure, root, home, keysFile, importRoots, bind, extraJvmArgs);
            stack = new LocalStack(out, infrastructure, wiring, home);
            for (ServiceDef def : services) {
                stack.processes.add(new ServiceProcess(wiring.launch(def)));
            }
            for (ServiceProcess p : stack.processes) {
                p.start();
            }
            for (ServiceProcess p : stack.processes) {
                out.printf(
                        "  waiting for %-9s on :%d (log %s)%n",
                        p.launch().name(), p.launch().port(), p.log());
                out.flush();
                p.awaitReady(READY_TIMEOUT);
            }
        } catch (RuntimeException e) {
            if (stack != null) {
                stack.close();
            } else {
                infrastructure.close();
            }
            throw e;
        }
        stack.supervisor.start();
        return stack;
    }

    /**
     * Fails with a one-line message naming the service, the port and what it is for when a service's HTTP or management
     * port cannot be bound on {@code bind}: a clear error before anything starts, instead of a service that dies while
     * starting with a stack trace in its log. (Another process can still take a port between this check and the
     * service's start; the service's start failure then names the cause, {@link ServiceProcess#cause}.)
     */
    static void requireFreePorts(List<ServiceDef> services, String bind) {
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(bind);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown address '" + bind + "'");
        }
        for (ServiceDef def : services) {
            String name = def.name() + "-service";
            requireFree(address, bind, def.port(), name + " HTTP port");
            requireFree(address, bind, managementPort(def.port()), name + " management port (its HTTP port + 1000)");
        }
    }

    private static void requireFree(java.net.InetAddress address, String bind, int port, String what) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(address, port));
        } catch (java.net.BindException e) {
            boolean inUse = String.valueOf(e.getMessage()).contains("in use");
            throw new IllegalStateException(what + " " + bind + ":" + port
                    + (inUse
                            ? " is already in use (is another `softcifar up` running? --port-offset N moves every"
                                    + " service's ports by N): "
                            : ": cannot listen there (--bind must be an address of this machine): ")
                    + e.getMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(what + " " + bind + ":" + port + ": " + e.getMessage(), e);
        }
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
        ServiceProcess p = new ServiceProcess(wiring.launch(def));
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
                .filter(p -> p.launch().name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name + " in this stack"));
    }

    /** Stops the broker (tests: an outage); {@link #startKafka()} starts it again on the same ports and data. */
    public void stopKafka() {
        infrastructure.stopKafka();
    }

    /** Starts the broker stopped by {@link #stopKafka()} again: same broker and controller port, same data. */
    public void startKafka() {
        infrastructure.startKafka();
    }

    /** Stops the S3 server (tests: an outage); {@link #startS3()} starts it again on the same port and data. */
    public void stopS3() {
        infrastructure.stopS3();
    }

    /** Starts the S3 server stopped by {@link #stopS3()} again: same port, data and credentials. */
    public void startS3() {
        infrastructure.startS3();
    }

    public String kafkaBootstrapServers() {
        return infrastructure.kafkaBootstrapServers();
    }

    public String s3Endpoint() {
        return infrastructure.s3Endpoint();
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
        processes.forEach(p -> urls.put(p.launch().name(), p.launch().url()));
        return urls;
    }

    public void printUrls(PrintWriter out) {
        processes.forEach(p -> out.printf(
                "  %-18s %s  (Swagger UI: %s/q/swagger-ui; health and metrics: :%d/q/)%n",
                p.launch().name(),
                p.launch().url(),
                p.launch().url(),
                p.launch().managementPort()));
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

    /** Stops the services (gracefully, then forcibly), then the S3 server and the broker. */
    @Override
    public void close() {
        supervisor.stop();
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(30));
        }
        infrastructure.close();
    }
}
