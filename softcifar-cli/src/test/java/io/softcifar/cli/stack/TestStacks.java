package io.softcifar.cli.stack;

import io.softcifar.testsupport.FreePorts;
import io.softcifar.testsupport.Required;
import java.io.PrintWriter;
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

    static int freePort() {
        return FreePorts.one();
    }

    /**
     * A free HTTP port for a service whose management port ({@link LocalStack#managementPort}) is free too: a service
     * binds both. Both lie below the ephemeral range, where no client socket of the broker or a service can take them
     * between this probe and the service's start.
     */
    static int freeServicePort() {
        return FreePorts.withCompanion(LocalStack::managementPort);
    }
}
