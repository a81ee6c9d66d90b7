package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that starts the stack ({@code up}, {@code demo}). */
public final class StackOptions {

    @Option(names = "--home", paramLabel = "DIR")
    Path home;

    @Option(names = "--kafka-port", defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--s3-port", defaultValue = "9000")
    int s3Port;

    @Option(names = "--import-root", paramLabel = "DIR")
    List<Path> importRoots = new java.util.ArrayList<>();

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = LocalStack.LOOPBACK)
    String bind;

    @Option(names = "--port-offset", defaultValue = "0")
    int portOffset;

    @Option(names = "--trainer-threads", paramLabel = "N")
    Integer trainerThreads;

    @Option(names = "--trainer-slots", paramLabel = "K")
    Integer trainerSlots;

    @Option(names = "--evaluator-threads", paramLabel = "N")
    Integer evaluatorThreads;

    /** How the trainer and the evaluator share the cores: the defaults of {@link CoreSplit#auto}, or as given. */
    CoreSplit coreSplit() {
        return CoreSplit.of(Runtime.getRuntime().availableProcessors(), trainerThreads, trainerSlots, evaluatorThreads);
    }

    /** Starts the broker, the S3 server and {@code services} (null: every service in the repository). */
    LocalStack start(List<String> services, PrintWriter out) {
        return start(services, List.of(), out);
    }

    /** As {@link #start(List, PrintWriter)}, with {@code moreRoots} added to the {@code --import-root} folders. */
    LocalStack start(List<String> services, List<Path> moreRoots, PrintWriter out) {
        return start(services, moreRoots, coreSplit(), out);
    }

    /** As {@link #start(List, List, PrintWriter)} with this core split instead of the options'. */
    LocalStack start(List<String> services, List<Path> moreRoots, CoreSplit split, PrintWriter out) {
        Path root = StackPaths.repositoryRoot();
        List<LocalStack.ServiceDef> selected = StackPaths.select(root, services).stream()
                .map(s -> new LocalStack.ServiceDef(s.name(), s.module(), shifted(s.port())))
                .toList();
        out.println(split.describe());
        Path stackHome = StackPaths.home(home);
        return LocalStack.start(
                root,
                stackHome,
                kafkaPort,
                s3Port,
                selected,
                importRoots(moreRoots),
                bind == null ? LocalStack.LOOPBACK : bind,
                split.jvmArgs(stackHome.resolve("cores")),
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
