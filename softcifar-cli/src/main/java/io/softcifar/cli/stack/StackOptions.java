package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of every command that starts the stack ({@code up}, {@code demo}). */
public final class StackOptions {

    @Option(names = "--home", paramLabel = "DIR", description = "data, logs and work folders (default: ~/.softcifar)")
    Path home;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Kafka broker port (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--s3-port", defaultValue = "9000", description = "S3 server port (default: ${DEFAULT-VALUE})")
    int s3Port;

    @Option(
            names = "--import-root",
            paramLabel = "DIR",
            description = "a folder the dataset-service may import from (its subfolders too); repeatable. Without one,"
                    + " `dataset import --data DIR` is refused")
    List<Path> importRoots = new java.util.ArrayList<>();

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            defaultValue = LocalStack.LOOPBACK,
            description = "the address the services listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0"
                    + " = every interface). Kafka and S3 always stay on 127.0.0.1")
    String bind;

    @Option(
            names = "--port-offset",
            defaultValue = "0",
            description = "added to every service's HTTP port (8080-8083), e.g. to run a second stack (default: 0)")
    int portOffset;

    /** Starts the broker, the S3 server and {@code services} (null: every service in the repository). */
    LocalStack start(List<String> services, PrintWriter out) {
        return start(services, List.of(), out);
    }

    /** As {@link #start(List, PrintWriter)}, with {@code moreRoots} added to the {@code --import-root} folders. */
    LocalStack start(List<String> services, List<Path> moreRoots, PrintWriter out) {
        Path root = StackPaths.repositoryRoot();
        List<LocalStack.ServiceDef> selected = StackPaths.select(root, services).stream()
                .map(s -> new LocalStack.ServiceDef(s.name(), s.module(), shifted(s.port())))
                .toList();
        return LocalStack.start(
                root,
                StackPaths.home(home),
                kafkaPort,
                s3Port,
                selected,
                importRoots(moreRoots),
                bind == null ? LocalStack.LOOPBACK : bind,
                Map.of(),
                out);
    }

    /** The import roots: every {@code --import-root} and {@code moreRoots}, absolute; each must be a folder. */
    List<Path> importRoots(List<Path> moreRoots) {
        List<Path> all = new java.util.ArrayList<>();
        for (Path p : importRoots) {
            all.add(io.softcifar.cli.Folders.require("--import-root", p)
                    .toAbsolutePath()
                    .normalize());
        }
        moreRoots.forEach(p -> all.add(p.toAbsolutePath().normalize()));
        return all.stream().distinct().toList();
    }

    private int shifted(int port) {
        int shifted = port + portOffset;
        if (shifted < 1 || shifted > 65535) {
            throw new IllegalArgumentException(
                    "--port-offset " + portOffset + " puts port " + port + " at " + shifted + ", outside 1-65535");
        }
        return shifted;
    }
}
