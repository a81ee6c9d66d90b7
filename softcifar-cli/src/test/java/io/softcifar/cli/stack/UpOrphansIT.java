package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code softcifar up} as a user runs it, in its own JVM, killed with SIGKILL: its child services must not outlive it
 * (they watch a pipe on their stdin), so the ports are free at once for an {@code up} started again on the same home.
 * The only processes touched are the {@code up} this test starts and, in the clean-up of a failure, the children of
 * that {@code up} (recorded by id from its process tree).
 */
class UpOrphansIT {

    private static final Duration READY = Duration.ofSeconds(300);

    @TempDir
    Path tmp;

    @Test
    void theServicesOfAKilledUpEndWithItAndASecondUpOnTheSameHomeStarts() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path jar = root.resolve("dataset-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            fail("needs the dataset-service build (%s): ./mvnw -pl dataset-service -am -DskipTests package", jar);
        }
        int kafkaPort = TestStacks.freePort();
        int s3Port = TestStacks.freePort();
        int datasetPort = TestStacks.freeServicePort();
        Path home = tmp.resolve("home");
        List<ProcessHandle> children = new ArrayList<>();
        Process up = startUp(root, home, kafkaPort, s3Port, datasetPort, tmp.resolve("up-1.log"));
        try {
            awaitReady(up, tmp.resolve("up-1.log"));
            up.toHandle().children().forEach(children::add);
            assertThat(children).as("up's child JVMs").hasSize(1);
            assertThat(isFree(datasetPort)).isFalse();

            long killed = System.nanoTime();
            up.destroyForcibly(); // SIGKILL: no shutdown hook runs in up
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(up.exitValue()).isEqualTo(137);

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> isFree(datasetPort) && isFree(kafkaPort) && isFree(s3Port));
            System.out.printf(
                    "the child of a kill -9'd up ended and its ports were free %d ms after the kill%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertThat(Files.readString(home.resolve("logs/dataset-service.log")))
                    .contains("the parent process (softcifar up) is gone");
        } finally {
            up.destroyForcibly();
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        // the same home and ports again: everything starts, and a plain SIGTERM stops it with its children
        Process again = startUp(root, home, kafkaPort, s3Port, datasetPort, tmp.resolve("up-2.log"));
        List<ProcessHandle> secondChildren = new ArrayList<>();
        try {
            awaitReady(again, tmp.resolve("up-2.log"));
            again.toHandle().children().forEach(secondChildren::add);
            again.destroy();
            assertThat(again.waitFor(90, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> secondChildren.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            again.destroyForcibly();
            secondChildren.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static Process startUp(Path root, Path home, int kafkaPort, int s3Port, int datasetPort, Path log)
            throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsoftcifar.home=" + root,
                "-cp",
                System.getProperty("java.class.path"),
                "io.softcifar.cli.SoftCifar",
                "up",
                "--home",
                home.toString(),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--s3-port",
                Integer.toString(s3Port),
                "--services",
                "dataset",
                "--port-offset",
                Integer.toString(datasetPort - 8081));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitReady(Process up, Path log) {
        await().atMost(READY).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!up.isAlive()) {
                throw new AssertionError("up exited with " + up.exitValue() + ":\n" + Files.readString(log));
            }
            return Files.readString(log).contains("Ready.");
        });
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
