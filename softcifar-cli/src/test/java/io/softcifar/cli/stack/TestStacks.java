package io.softcifar.cli.stack;

import io.softcifar.testsupport.Required;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Start-up helpers of the stack tests: the packaged services (required) on free ports. */
final class TestStacks {

    private TestStacks() {}

    /** Every service of {@code softcifar up}, each on a free port; its packaged jar is {@link Required}. */
    static List<LocalStack.ServiceDef> packagedServicesOnFreePorts(Path root) throws Exception {
        List<LocalStack.ServiceDef> services = new ArrayList<>();
        for (LocalStack.ServiceDef def : LocalStack.SERVICES) {
            Path jar = root.resolve(def.module()).resolve("target/quarkus-app/quarkus-run.jar");
            Required.present(
                    Files.isRegularFile(jar),
                    "needs " + jar + ": ./mvnw -DskipTests package -pl "
                            + "dataset-service,trainer-service,evaluator-service,results-service -am");
            services.add(new LocalStack.ServiceDef(def.name(), def.module(), freeServicePort()));
        }
        return services;
    }

    /**
     * {@link LocalStack#start} as {@code up} without {@code --bind} does it (loopback, no extra JVM arguments), with
     * the broker and the S3 server on free ports.
     */
    static LocalStack startOnLoopback(
            Path root, Path home, List<LocalStack.ServiceDef> services, List<Path> importRoots, PrintWriter out)
            throws Exception {
        return startOnLoopback(root, home, services, importRoots, Map.of(), out);
    }

    /** As {@link #startOnLoopback(Path, Path, List, List, PrintWriter)} with extra JVM arguments per service. */
    static LocalStack startOnLoopback(
            Path root,
            Path home,
            List<LocalStack.ServiceDef> services,
            List<Path> importRoots,
            Map<String, List<String>> jvmArgs,
            PrintWriter out)
            throws Exception {
        return LocalStack.start(
                root, home, freePort(), freePort(), services, importRoots, LocalStack.LOOPBACK, jvmArgs, out);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A free HTTP port for a service whose management port ({@link LocalStack#managementPort}: + 1000) is free too: a
     * service binds both, and a free ephemeral port says nothing of the one 1000 above it (a client socket of the
     * broker can hold it, and the service then fails to start).
     */
    static int freeServicePort() throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            try (ServerSocket management = new ServerSocket(LocalStack.managementPort(port))) {
                return port;
            } catch (java.io.IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port with a free management port in 100 attempts");
    }
}
