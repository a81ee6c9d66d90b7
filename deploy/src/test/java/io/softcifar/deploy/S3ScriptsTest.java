package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server's two scripts (shared by compose and Kubernetes), run with /bin/sh: the identities file they write,
 * and the bucket creation against a stand-in for {@code weed shell}.
 */
class S3ScriptsTest {

    static final Path SCRIPTS = RepoFiles.path("deploy/k8s/base/s3/scripts");
    static final Map<String, String> KEYS = Map.of("S3_ADMIN_ACCESS_KEY", "admin-key", "S3_ADMIN_SECRET_KEY",
            "admin-secret-1", "S3_ACCESS_KEY", "services-key", "S3_SECRET_KEY", "services-secret-1",
            "S3_BUCKET", "softcifar");

    @Test
    void theServicesIdentityIsLimitedToTheBucketAndTheAdminIdentityIsApart(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s3.json");
        Run run = run(List.of("sh", SCRIPTS.resolve("write-identities.sh").toString(), out.toString()), KEYS, dir);
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode identities = new ObjectMapper().readTree(out.toFile()).path("identities");
        assertThat(identities).hasSize(2);
        JsonNode admin = identities.get(0);
        JsonNode services = identities.get(1);
        assertThat(admin.path("credentials").get(0).path("accessKey").asText()).isEqualTo("admin-key");
        assertThat(admin.path("credentials").get(0).path("secretKey").asText()).isEqualTo("admin-secret-1");
        assertThat(RenderedOverlay.elements(admin.path("actions")).map(JsonNode::asText)).contains("Admin");
        assertThat(services.path("name").asText()).isEqualTo("softcifar-services");
        assertThat(services.path("credentials").get(0).path("accessKey").asText()).isEqualTo("services-key");
        assertThat(services.path("credentials").get(0).path("secretKey").asText()).isEqualTo("services-secret-1");
        assertThat(RenderedOverlay.elements(services.path("actions")).map(JsonNode::asText))
                .as("every right of the services is scoped to the bucket; none is Admin")
                .isNotEmpty().allSatisfy(action -> assertThat(action).endsWith(":softcifar")
                        .doesNotStartWith("Admin"));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aMissingOrUnsafeKeyStopsTheScriptNamingTheVariable(@TempDir Path dir) throws Exception {
        Map<String, String> quoted = new HashMap<>(KEYS);
        quoted.put("S3_SECRET_KEY", "with\"quote");
        Run bad = run(List.of("sh", SCRIPTS.resolve("write-identities.sh").toString(), dir.resolve("a").toString()),
                quoted, dir);
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("S3_SECRET_KEY");
        assertThat(dir.resolve("a")).doesNotExist();
        Map<String, String> missing = new HashMap<>(KEYS);
        missing.remove("S3_ADMIN_SECRET_KEY");
        Run absent = run(List.of("sh", SCRIPTS.resolve("write-identities.sh").toString(), dir.resolve("b").toString()),
                missing, dir);
        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.output()).contains("S3_ADMIN_SECRET_KEY is not set");
    }

    @Test
    void theBucketIsCreatedOnceOwnedByTheServicesIdentity(@TempDir Path dir) throws Exception {
        // a stand-in for `weed shell`: keeps the bucket list in a file and logs every command it is given
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path weed = bin.resolve("weed");
        Files.writeString(weed, """
                #!/bin/sh
                read -r command
                echo "$command" >> "$FAKE_DIR/commands"
                case "$command" in
                  s3.bucket.list) cat "$FAKE_DIR/buckets" 2>/dev/null ;;
                  s3.bucket.create*) name=$(echo "$command" | sed 's/.*-name \\([^ ]*\\).*/\\1/'); echo "  $name" >> "$FAKE_DIR/buckets" ;;
                esac
                """);
        weed.toFile().setExecutable(true);
        Map<String, String> env = new HashMap<>(Map.of("S3_BUCKET", "softcifar", "SEAWEEDFS_MASTER", "s3:9333",
                "SEAWEEDFS_FILER", "s3:8888", "FAKE_DIR", dir.toString()));
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        List<String> command = List.of("sh", SCRIPTS.resolve("create-bucket.sh").toString());

        Run first = run(command, env, dir);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("created softcifar");
        assertThat(Files.readAllLines(dir.resolve("commands")))
                .containsExactly("s3.bucket.list", "s3.bucket.create -name softcifar -owner softcifar-services",
                        "s3.bucket.list");

        Run second = run(command, env, dir);
        assertThat(second.exitCode()).isZero();
        assertThat(second.output()).contains("softcifar exists");
        assertThat(Files.readAllLines(dir.resolve("commands"))).as("no second create").hasSize(4);
    }

    record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command, Map<String, String> env, Path dir)
            throws IOException, InterruptedException {
        Path log = dir.resolve("run-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("S3_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }
}
