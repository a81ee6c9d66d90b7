package io.softcifar.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One service of the local stack as a child JVM, started as its {@link ServiceLaunch} says ({@code java -jar
 * <module>/target/quarkus-app/quarkus-run.jar}, configured by environment variables, its output appended to
 * {@code <home>/logs/<name>.log}): start, restart, readiness, stop.
 */
final class ServiceProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ServiceLaunch launch;
    private volatile Process process;
    private volatile int restarts;

    ServiceProcess(ServiceLaunch launch) {
        this.launch = launch;
    }

    ServiceLaunch launch() {
        return launch;
    }

    Path log() {
        return launch.log();
    }

    int restarts() {
        return restarts;
    }

    synchronized void start() {
        Path jar = launch.jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(launch.name() + ": " + jar + " does not exist; build the services first: "
                    + "./mvnw -DskipTests package");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmArgs());
        // the child ends when this process ends, even by kill -9: it watches the pipe on its stdin (ParentWatchdog in
        // service-common), which the operating system closes when this process is gone. Nothing is written to it.
        command.add("-Dsoftcifar.exit-with-parent=true");
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().putAll(launch.env());
        try {
            Files.createDirectories(log().getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(launch.name() + ": cannot start " + jar + ": " + e.getMessage(), e);
        }
    }

    synchronized void restart() {
        restarts++;
        start();
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Exit code of the process that ended, or -1 while it runs. */
    int exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? -1 : p.exitValue();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** True when {@code /q/health/ready} on the management port answers UP. */
    boolean isReady() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://" + launch.host() + ":" + launch.managementPort() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until ready; fails with the last lines of the log when the process dies or the time runs out. */
    void awaitReady(Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (!isAlive()) {
                throw new IllegalStateException(
                        launch.name() + " exited with code " + exitCode() + " while starting" + fromLog(true));
            }
            if (isReady()) {
                return;
            }
            sleep(500);
        }
        throw new IllegalStateException(
                launch.name() + " was not ready within " + timeout.toSeconds() + " s" + fromLog(false));
    }

    /** SIGTERM (Quarkus shuts down gracefully: consumers close, a trainer keeps its checkpoints), then SIGKILL. */
    void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the log says stopped the start, as {@code ": <first ERROR line>; root cause: <last Caused by>"}, or empty when
     * it has neither: the last lines alone are often the frames of a long stack trace that hide the reason (a port
     * already bound, a missing setting).
     */
    static String cause(List<String> log) {
        String error = null;
        String root = null;
        for (String line : log) {
            String trimmed = line.strip();
            if (error == null && (trimmed.contains(" ERROR [") || trimmed.startsWith("ERROR "))) {
                error = trimmed;
            }
            if (trimmed.startsWith("Caused by: ")) {
                root = trimmed.substring("Caused by: ".length());
            }
        }
        StringBuilder b = new StringBuilder();
        if (error != null) {
            b.append(": ").append(shorten(error));
        }
        if (root != null && (error == null || !error.contains(root))) {
            b.append(error == null ? ": " : "; root cause: ").append(shorten(root));
        }
        return b.toString();
    }

    private static String shorten(String line) {
        return line.length() <= 400 ? line : line.substring(0, 400) + " …";
    }

    /** {@code "[<cause>]; last lines of <log>:\n<its last 15 lines>"}, the log read once. */
    private String fromLog(boolean withCause) {
        List<String> all;
        try {
            all = Files.readAllLines(log());
        } catch (IOException e) {
            return "; last lines of " + log() + ":\n(no log: " + e.getMessage() + ")";
        }
        return (withCause ? cause(all) : "") + "; last lines of " + log() + ":\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
