package io.softcifar.cli;

import io.softcifar.contracts.util.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the PyTorch eager peers in {@code bench/} and reads the one JSON object it prints last; the peer gets
 * the caller's thread count and allocator ({@code LD_PRELOAD}), so that it is not handicapped.
 */
final class PeerScript {

    /** How long one peer run may take before it is killed and reported as an error. */
    static final int TIMEOUT_MINUTES = 10;

    private PeerScript() {}

    /** /usr/bin/python3 (Debian's, with python3-torch) when present, else python3 from the PATH. */
    static String defaultPython() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * Runs {@code script} with {@code args} and waits for it ({@link #TIMEOUT_MINUTES} at most, then kills it).
     *
     * @param script file name in {@code <softcifar.home>/bench}
     * @param threads thread count to pass as {@code --threads} (0: let the peer choose)
     * @param preload this JVM's LD_PRELOAD (null or blank: none)
     * @return the parsed object, or a map with one {@code error} entry saying what went wrong
     */
    static Map<String, Object> run(String python, String script, List<String> args, int threads, String preload) {
        Map<String, Object> result = new LinkedHashMap<>();
        Path file = Path.of(System.getProperty("softcifar.home", "."), "bench", script);
        if (!Files.isRegularFile(file)) {
            result.put("error", file + " not found");
            return result;
        }
        List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
        cmd.addAll(args);
        if (threads > 0) {
            cmd.addAll(List.of("--threads", Integer.toString(threads)));
        }
        Path stdoutFile = null;
        Path stderrFile = null;
        try {
            // both streams go to files, so that a chatty peer cannot fill a pipe and the deadline below really holds
            stdoutFile = Files.createTempFile("softcifar-peer-", ".out");
            stderrFile = Files.createTempFile("softcifar-peer-", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(cmd).redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile());
            if (preload == null || preload.isBlank()) {
                builder.environment().remove("LD_PRELOAD");
            } else {
                builder.environment().put("LD_PRELOAD", preload);
            }
            Process p = builder.start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                result.put("error", python + " " + script + " did not finish within " + TIMEOUT_MINUTES + " minutes");
                return result;
            }
            String stdout = Files.readString(stdoutFile, StandardCharsets.UTF_8).trim();
            String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                String last = stderr.isEmpty()
                        ? "exit " + p.exitValue()
                        : stderr.lines().reduce((a, b) -> b).orElse("");
                result.put("error", python + " failed: " + last + " (install python3-torch, or pass --python)");
                return result;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed =
                    Json.MAPPER.readValue(stdout.lines().reduce((a, b) -> b).orElse("{}"), Map.class);
            return parsed;
        } catch (IOException e) {
            result.put("error", "cannot run " + python + ": " + e.getMessage());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.put("error", "interrupted");
            return result;
        } finally {
            FileTrees.deleteQuietly(stdoutFile);
            FileTrees.deleteQuietly(stderrFile);
        }
    }
}
