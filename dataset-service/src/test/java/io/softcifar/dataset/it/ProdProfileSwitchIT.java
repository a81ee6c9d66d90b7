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
        // credentials given, so the switch is what stops it
        String out = startAndAwaitExit(
                "-Dsoftcifar.dataset.allow-loopback-urls-for-tests=true",
                "-Dsoftcifar.s3.access-key=some-key",
                "-Dsoftcifar.s3.secret-key=some-secret");
        assertThat(out)
                .contains("softcifar.dataset.allow-loopback-urls-for-tests=true is a test-only setting and the"
                        + " prod profile refuses to start with it");
    }

    /** No credential literal or fallback in the service: without S3 credentials it stops at once, naming them. */
    @Test
    void theProdProfileDoesNotStartWithoutObjectStoreCredentials() throws Exception {
        String out = startAndAwaitExit();
        assertThat(out).contains("softcifar.s3.access-key").contains("softcifar.s3.secret-key");
    }

    /**
     * Kafka: SASL without a user name, or a truststore file that is not there, stops the start with one line naming
     * the property — before any client is made (no credential default to fall back on).
     */
    @Test
    void theServiceDoesNotStartWithAnIncompleteKafkaSecuritySetting() throws Exception {
        String password = "pw-" + java.util.UUID.randomUUID();
        String noUser = startAndAwaitExit(
                "-Dsoftcifar.s3.access-key=some-key",
                "-Dsoftcifar.s3.secret-key=some-secret",
                "-Dsoftcifar.kafka.security-protocol=SASL_SSL",
                "-Dsoftcifar.kafka.sasl.password=" + password);
        assertThat(noUser)
                .contains("softcifar.kafka.sasl.username is not set but softcifar.kafka.security-protocol is "
                        + "SASL_SSL; set it (environment variable KAFKA_SASL_USERNAME, in Kubernetes from the KafkaUser's "
                        + "Secret)")
                .doesNotContain(password);
        Path missing = Path.of(System.getProperty("java.io.tmpdir"), "no-such-dir-" + System.nanoTime(), "ca.crt");
        String noCa = startAndAwaitExit(
                "-Dsoftcifar.s3.access-key=some-key",
                "-Dsoftcifar.s3.secret-key=some-secret",
                "-Dsoftcifar.kafka.security-protocol=SASL_SSL",
                "-Dsoftcifar.kafka.sasl.username=dataset-service",
                "-Dsoftcifar.kafka.sasl.password=pw",
                "-Dsoftcifar.kafka.truststore.file=" + missing);
        assertThat(noCa).contains("softcifar.kafka.truststore.file: " + missing + " is not a readable file");
    }

    /**
     * Authentication has no off switch: with S3 credentials but neither an API keys file nor an OIDC issuer the
     * service stops at once naming both settings; a keys file with a bad line stops it naming the file and line.
     */
    @Test
    void theServiceDoesNotStartWithoutACredentialSource() throws Exception {
        String out = startWithoutKeys("-Dsoftcifar.s3.access-key=some-key", "-Dsoftcifar.s3.secret-key=some-secret");
        assertThat(out)
                .contains("no credential source: set softcifar.auth.keys-file (env SOFTCIFAR_AUTH_KEYS_FILE,"
                        + " an API keys file) or quarkus.oidc.auth-server-url (OIDC bearer tokens)");
        Path bad = Files.createTempFile("bad-keys", ".txt");
        Files.writeString(bad, "# a comment\nci submit not-a-hash\n");
        String badOut = startWithoutKeys(
                "-Dsoftcifar.s3.access-key=some-key",
                "-Dsoftcifar.s3.secret-key=some-secret",
                "-Dsoftcifar.auth.keys-file=" + bad);
        assertThat(badOut)
                .contains("softcifar.auth.keys-file " + bad + " line 2: the SHA-256 must be 64 lower-case"
                        + " hex digits");
    }

    /** As below, with a valid API keys file, so that the check under test is what stops the start. */
    private static String startAndAwaitExit(String... properties) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(properties));
        all.add("-Dsoftcifar.auth.keys-file=" + io.softcifar.testsupport.TestCredentials.keysFile());
        return startWithoutKeys(all.toArray(String[]::new));
    }

    /** Starts the packaged service (no S3_*, KAFKA_* or SOFTCIFAR_* variables in its environment) and returns its output once it exited. */
    private static String startWithoutKeys(String... properties) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged service (failsafe runs after package)").exists();
        Path log = Files.createTempFile("prod-switch", ".log");
        Path work = Files.createTempDirectory("prod-switch-work");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0",
                "-Dsoftcifar.dataset.work-dir=" + work,
                "-Dai.djl.offline=true"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("S3_")
                        || k.startsWith("KAFKA_")
                        || k.startsWith("SOFTCIFAR_")
                        || k.startsWith("QUARKUS_OIDC"));
        Process p = builder.start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS))
                    .as("the service exits on its own")
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).doesNotContain("Listening on");
        return out;
    }
}
