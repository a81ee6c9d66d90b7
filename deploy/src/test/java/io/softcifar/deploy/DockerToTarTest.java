package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/bin/docker-to-tar answers the two docker commands Jib uses when it "loads into the daemon". */
class DockerToTarTest {

    static final Path SHIM = RepoFiles.path("deploy/bin/docker-to-tar");

    @Test
    void loadWritesStdinToTheConfiguredTarball(@TempDir Path dir) throws Exception {
        Path tarball = dir.resolve("out/image.tar");
        Path input = dir.resolve("in.tar");
        byte[] image = {1, 2, 3, 4, 5};
        Files.write(input, image);
        ProcessBuilder load = new ProcessBuilder(SHIM.toString(), "load").redirectInput(input.toFile());
        load.environment().put("JIB_IMAGE_TAR", tarball.toString());
        Process process = load.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readAllBytes(tarball)).isEqualTo(image);
    }

    @Test
    void loadWithoutATargetFailsWithTheSettingToUse() throws Exception {
        ProcessBuilder load = new ProcessBuilder(SHIM.toString(), "load").redirectErrorStream(true);
        load.environment().remove("JIB_IMAGE_TAR");
        Process process = load.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("quarkus.jib.docker-environment.JIB_IMAGE_TAR");
    }

    @Test
    void infoReportsALinuxAmd64Daemon() throws Exception {
        Process process = new ProcessBuilder(SHIM.toString(), "info", "-f", "{{json .}}").start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(RepoFiles.YAML.readTree(json).path("OSType").asText()).isEqualTo("linux");
        assertThat(RepoFiles.YAML.readTree(json).path("Architecture").asText()).isEqualTo("x86_64");
    }
}
