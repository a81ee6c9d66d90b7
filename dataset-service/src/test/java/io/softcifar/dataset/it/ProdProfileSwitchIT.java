package io.softcifar.dataset.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service (prod profile, as {@code java -jar} runs it) refuses to start with the test-only switch that
 * lets URL sources reach loopback hosts, naming the setting — it ends before it listens or talks to Kafka.
 */
class ProdProfileSwitchIT {

    @Test
    void theProdProfileDoesNotStartWithTheLoopbackSwitch() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged service (failsafe runs after package)").exists();
        Path log = Files.createTempFile("prod-switch", ".log");
        Path work = Files.createTempDirectory("prod-switch-work");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsoftcifar.dataset.allow-loopback-urls-for-tests=true", "-Dquarkus.http.port=0",
                "-Dsoftcifar.dataset.work-dir=" + work, "-Dai.djl.offline=true", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the service exits on its own").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("softcifar.dataset.allow-loopback-urls-for-tests=true is a test-only setting and the"
                + " prod profile refuses to start with it");
        assertThat(out).doesNotContain("Listening on");
    }
}
