package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Files of the repository, YAML reading and the external tools (kubectl, docker-compose) the tests call. */
final class RepoFiles {

    static final YAMLMapper YAML = new YAMLMapper();

    private RepoFiles() {}

    /** The repository root: set by the pom (Maven's multi-module directory), else the deploy module's parent. */
    static Path root() {
        String configured = System.getProperty("softcifar.repo.root");
        Path root = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every non-empty document of a (multi-document) YAML text, as Jackson trees. SnakeYAML parses (it resolves
     * anchors, aliases and {@code <<} merge keys, which Jackson's YAML parser leaves as names), Jackson converts.
     */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
                if (doc != null) {
                    JsonNode tree = YAML.valueToTree(doc);
                    if (tree.size() > 0) {
                        docs.add(tree);
                    }
                }
            }
        } catch (YAMLException e) {
            throw new AssertionError("not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    static JsonNode document(Path file) {
        List<JsonNode> docs = documents(read(file));
        assertThat(docs).as("%s holds one YAML document", file).hasSize(1);
        return docs.get(0);
    }

    /** The first executable of that name on the PATH. */
    static Optional<Path> onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    record Result(int exitCode, String stdout, String stderr) {}

    /** Runs a command in the repository root, stdout and stderr kept apart (warnings go to stderr). */
    static Result run(List<String> command) {
        return run(command, List.of());
    }

    /** As {@link #run(List)}, without the named variables in the command's environment. */
    static Result run(List<String> command, List<String> unsetVariables) {
        try {
            Path out = Files.createTempFile("softcifar-deploy-", ".out");
            Path err = Files.createTempFile("softcifar-deploy-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(root().toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                unsetVariables.forEach(builder.environment()::remove);
                Process process = builder.start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + ": no answer within 120 s");
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The first line of a tool's version output, for the test log. */
    static String version(List<String> command) {
        Result result = run(command);
        String text = (result.stdout() + result.stderr()).strip();
        return text.isEmpty() ? "?" : text.lines().findFirst().orElse("?");
    }
}
