package io.softcifar.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Where the repository and the stack's home are, and which services a user asked for. */
final class StackPaths {

    private StackPaths() {}

    /** The repository: {@code -Dsoftcifar.home} (set by {@code ./softcifar}), else the working directory. */
    static Path repositoryRoot() {
        String home = System.getProperty("softcifar.home");
        Path root = Path.of(home != null ? home : ".").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException(
                    "cannot find the soft-cifar repository at " + root + "; run ./softcifar from the repository");
        }
        return root;
    }

    static Path home(Path requested) {
        Path home = requested != null ? requested : Path.of(System.getProperty("user.home"), ".softcifar");
        return home.toAbsolutePath().normalize();
    }

    /** The services named, or every service whose module is in the repository. */
    static List<LocalStack.ServiceDef> select(Path root, List<String> names) {
        if (names == null || names.isEmpty()) {
            return LocalStack.SERVICES.stream()
                    .filter(s -> Files.isDirectory(root.resolve(s.module())))
                    .toList();
        }
        List<String> wanted = names.stream()
                .map(n -> n.trim().toLowerCase(Locale.ROOT).replace("-service", ""))
                .toList();
        for (String name : wanted) {
            if (LocalStack.SERVICES.stream().noneMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException(
                        "--services: unknown service '" + name + "' (results, dataset, trainer, evaluator)");
            }
        }
        return LocalStack.SERVICES.stream()
                .filter(s -> wanted.contains(s.name()))
                .toList();
    }
}
