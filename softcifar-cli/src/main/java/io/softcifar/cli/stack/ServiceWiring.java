package io.softcifar.cli.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the stack wires a service: the environment that points it at the broker, the S3 server, the keys file, its
 * work folder and the import roots; where it listens ({@code --bind}) and how this process reaches it; its JVM
 * arguments and its log file.
 */
final class ServiceWiring {

    private final LocalInfrastructure infrastructure;
    private final Path root;
    private final Path home;
    private final Path keysFile;
    private final List<Path> importRoots;
    private final String bind;
    private final Map<String, List<String>> extraJvmArgs;

    /**
     * @param root the repository (where {@code <module>/target/quarkus-app/quarkus-run.jar} are)
     * @param extraJvmArgs per {@link LocalStack.ServiceDef#name()}, e.g. {@code -D} settings a test lowers
     */
    ServiceWiring(
            LocalInfrastructure infrastructure,
            Path root,
            Path home,
            Path keysFile,
            List<Path> importRoots,
            String bind,
            Map<String, List<String>> extraJvmArgs) {
        this.infrastructure = infrastructure;
        this.root = root;
        this.home = home;
        this.keysFile = keysFile;
        this.importRoots = List.copyOf(importRoots);
        this.bind = bind;
        this.extraJvmArgs = Map.copyOf(extraJvmArgs);
    }

    ServiceLaunch launch(LocalStack.ServiceDef def) {
        Map<String, String> env = infrastructure.serviceEnvironment(LocalStack.BUCKET);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(def.port()));
        env.put("QUARKUS_HTTP_HOST", bind);
        // health and metrics on the management interface, unauthenticated: the HTTP port + 1000 (8080 → 9080)
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(LocalStack.managementPort(def.port())));
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
        // one trainer and an S3 server on this machine: a lease is read back 100 ms after it is written, not 1 s
        // (RunLeases.defaultSettle), which every run's start waits for
        if (System.getenv("SOFTCIFAR_TRAINER_LEASE_SETTLE") == null) {
            env.put("SOFTCIFAR_TRAINER_LEASE_SETTLE", "PT0.1S");
        }
        List<String> jvm = new ArrayList<>(List.of("-Dai.djl.offline=true", "-Xss4m"));
        jvm.addAll(extraJvmArgs.getOrDefault(def.name(), List.of()));
        Path jar = root.resolve(def.module()).resolve("target/quarkus-app/quarkus-run.jar");
        boolean standard = LocalStack.SERVICES.stream()
                .anyMatch(s -> s.name().equals(def.name()) && s.module().equals(def.module()));
        // a second replica of a module (tests) gets its own log; the standard names stay as they were
        String logName = standard ? def.module() : def.module() + "-" + def.name();
        return new ServiceLaunch(
                def.name() + "-service",
                probeHost(bind),
                def.port(),
                LocalStack.managementPort(def.port()),
                jar,
                env,
                jvm,
                home.resolve("logs").resolve(logName + ".log"));
    }

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

    /** Where this process reaches a service listening on {@code bind}: a wildcard or loopback address via localhost. */
    static String probeHost(String bind) {
        return switch (bind) {
            case "0.0.0.0", "::", "[::]", LocalStack.LOOPBACK, "localhost" -> "localhost";
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
}
