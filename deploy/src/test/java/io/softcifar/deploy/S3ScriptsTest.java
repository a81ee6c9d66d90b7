package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.softcifar.contracts.storage.ObjectKeys;
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
    /** The environment write-identities.sh reads, with test values (no value is in a deployment file). */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("S3_ADMIN_ACCESS_KEY", "admin-key"),
            Map.entry("S3_ADMIN_SECRET_KEY", "admin-secret-1"),
            Map.entry("S3_RESULTS_ACCESS_KEY", "results-key"),
            Map.entry("S3_RESULTS_SECRET_KEY", "results-secret-1"),
            Map.entry("S3_DATASET_ACCESS_KEY", "dataset-key"),
            Map.entry("S3_DATASET_SECRET_KEY", "dataset-secret-1"),
            Map.entry("S3_TRAINER_ACCESS_KEY", "trainer-key"),
            Map.entry("S3_TRAINER_SECRET_KEY", "trainer-secret-1"),
            Map.entry("S3_EVALUATOR_ACCESS_KEY", "evaluator-key"),
            Map.entry("S3_EVALUATOR_SECRET_KEY", "evaluator-secret-1"),
            Map.entry("S3_BUCKET", "softcifar"));
    /** Service → the prefix of its variables. */
    static final Map<String, String> SERVICES = Map.of(
            "results-service",
            "S3_RESULTS",
            "dataset-service",
            "S3_DATASET",
            "trainer-service",
            "S3_TRAINER",
            "evaluator-service",
            "S3_EVALUATOR");

    @Test
    void eachServiceHasItsOwnIdentityLimitedToTheBucketAndTheAdminIdentityIsApart(@TempDir Path dir) throws Exception {
        Map<String, JsonNode> identities = identities(dir, KEYS);
        assertThat(identities.keySet())
                .containsExactlyInAnyOrder(
                        "softcifar-admin",
                        "softcifar-results-service",
                        "softcifar-dataset-service",
                        "softcifar-trainer-service",
                        "softcifar-evaluator-service");
        JsonNode admin = identities.get("softcifar-admin");
        assertThat(admin.path("credentials").get(0).path("accessKey").asText()).isEqualTo("admin-key");
        assertThat(admin.path("credentials").get(0).path("secretKey").asText()).isEqualTo("admin-secret-1");
        assertThat(RenderedOverlay.elements(admin.path("actions")).map(JsonNode::asText))
                .contains("Admin");
        SERVICES.forEach((service, variables) -> {
            JsonNode identity = identities.get("softcifar-" + service);
            assertThat(identity.path("credentials")).hasSize(1);
            assertThat(identity.path("credentials").get(0).path("accessKey").asText())
                    .isEqualTo(KEYS.get(variables + "_ACCESS_KEY"));
            assertThat(identity.path("credentials").get(0).path("secretKey").asText())
                    .isEqualTo(KEYS.get(variables + "_SECRET_KEY"));
            assertThat(RenderedOverlay.elements(identity.path("actions")).map(JsonNode::asText))
                    .as(
                            "%s: every right is a verb scoped to the bucket or a key pattern in it; none is Admin or"
                                    + " Tagging",
                            service)
                    .isNotEmpty()
                    .allSatisfy(action -> assertThat(action).matches("(Read|Write|List):(softcifa\\?|softcifar/.+)"));
        });
        assertThat(Files.getPosixFilePermissions(dir.resolve("s3.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * What each service may do, decided by {@link SeaweedRights} (SeaweedFS's rule re-derived from its source) on the
     * written file, for the requests the services make (the object keys come from {@code contracts}' ObjectKeys, the
     * verbs from each service README's "objects" rows) and for requests they must not be able to make.
     */
    @Test
    void eachServiceCanDoWhatItNeedsAndNothingElse(@TempDir Path dir) throws Exception {
        Map<String, JsonNode> identities = identities(dir, KEYS);
        String manifest = ObjectKeys.manifest("d1");
        String shard = ObjectKeys.shard("d1", 0, "train", 0);
        String ood = ObjectKeys.oodShard("d1", "svhn", 0);
        String last = ObjectKeys.lastCheckpoint("r1");
        String best = ObjectKeys.bestCheckpoint("r1");
        String record = ObjectKeys.runPrefix("r1") + "training.json";
        String lease = ObjectKeys.runPrefix("r1") + "lease.json";
        String cancel = ObjectKeys.runPrefix("r1") + "cancel.json";
        String tokenMarker = ObjectKeys.runPrefix("r1") + "lease-tokens/2";
        String metrics = ObjectKeys.evaluationFile("r1", ObjectKeys.METRICS_FILE);
        String evaluation = ObjectKeys.evaluationPrefix("r1");
        String bucket = "softcifar";

        Map<String, List<Request>> allowed = Map.of(
                // the artifacts it streams (GET /api/runs/{id}/artifacts): checkpoints and evaluation files
                "results-service",
                        List.of(
                                Request.read(""),
                                Request.read(manifest),
                                Request.read(best),
                                Request.read(last),
                                Request.read(metrics),
                                Request.list(evaluation)),
                "dataset-service",
                        List.of(
                                Request.read(""),
                                Request.read(manifest),
                                Request.write(manifest),
                                Request.write(shard),
                                Request.write(ood),
                                Request.read(shard),
                                Request.list("datasets/"),
                                Request.list(ObjectKeys.datasetPrefix("d1"))),
                "trainer-service",
                        List.of(
                                Request.read(""),
                                Request.read(manifest),
                                Request.read(shard),
                                Request.write(last),
                                Request.write(best),
                                Request.read(last),
                                Request.read(best),
                                Request.write(record),
                                Request.read(record),
                                Request.write(lease),
                                Request.read(lease),
                                Request.write(cancel),
                                Request.read(cancel),
                                Request.write(tokenMarker),
                                Request.read(tokenMarker)),
                "evaluator-service",
                        List.of(
                                Request.read(""),
                                Request.read(manifest),
                                Request.read(shard),
                                Request.read(ood),
                                Request.read(best),
                                Request.write(metrics),
                                Request.read(metrics),
                                Request.list(evaluation),
                                Request.write(ObjectKeys.evaluationFile("r1", "test_logits.npy"))));
        Map<String, List<Request>> denied = Map.of(
                "results-service",
                        List.of(
                                Request.read(shard),
                                Request.read(lease),
                                Request.read(tokenMarker),
                                Request.read(record),
                                Request.read(cancel),
                                Request.write(best),
                                Request.write(metrics),
                                Request.write(manifest),
                                Request.list("datasets/"),
                                Request.list(""),
                                Request.list("runs/")),
                "dataset-service",
                        List.of(
                                Request.read(best),
                                Request.write(last),
                                Request.write(tokenMarker),
                                Request.write(metrics),
                                Request.list(""),
                                Request.list("runs/")),
                "trainer-service",
                        List.of(
                                Request.write(manifest),
                                Request.write(shard),
                                Request.write(metrics),
                                Request.read(metrics),
                                Request.list("runs/"),
                                Request.list("datasets/")),
                "evaluator-service",
                        List.of(
                                Request.write(best),
                                Request.write(last),
                                Request.write(record),
                                Request.read(record),
                                Request.read(lease),
                                Request.write(tokenMarker),
                                Request.write(manifest),
                                Request.list("runs/"),
                                Request.list("")));
        SERVICES.keySet().forEach(service -> {
            List<String> actions = RenderedOverlay.elements(
                            identities.get("softcifar-" + service).path("actions"))
                    .map(JsonNode::asText)
                    .toList();
            for (Request request : allowed.get(service)) {
                assertThat(SeaweedRights.allows(actions, request.verb(), bucket, request.key()))
                        .as("%s may %s %s", service, request.verb(), request.key())
                        .isTrue();
            }
            for (Request request : denied.get(service)) {
                assertThat(SeaweedRights.allows(actions, request.verb(), bucket, request.key()))
                        .as("%s may not %s %s", service, request.verb(), request.key())
                        .isFalse();
            }
            for (String verb : List.of("Read", "Write", "List", "Tagging", "Admin")) {
                assertThat(SeaweedRights.allows(actions, verb, "another-bucket", ""))
                        .as("%s in another bucket", service)
                        .isFalse();
                assertThat(SeaweedRights.allows(actions, verb, "softcifar-2", "x"))
                        .as("%s in softcifar-2", service)
                        .isFalse();
            }
            assertThat(SeaweedRights.allows(actions, "Tagging", bucket, manifest))
                    .isFalse();
            assertThat(SeaweedRights.allows(actions, "Admin", bucket, ""))
                    .as("%s cannot create buckets", service)
                    .isFalse();
        });
        // the rule itself: an unscoped verb, a bucket-wide verb, and a prefix pattern
        assertThat(SeaweedRights.allows(List.of("Read"), "Read", "any", "key")).isTrue();
        assertThat(SeaweedRights.allows(List.of("Read:softcifar"), "Read", bucket, best))
                .isTrue();
        assertThat(SeaweedRights.allows(List.of("Read:softcifar/datasets/*"), "Read", bucket, ""))
                .isFalse();
        assertThat(SeaweedRights.allows(List.of("Read:softcifa?"), "Read", bucket, manifest))
                .isFalse();
    }

    @Test
    void aMissingUnsafeOrSharedKeyStopsTheScriptNamingTheVariable(@TempDir Path dir) throws Exception {
        Map<String, String> quoted = new HashMap<>(KEYS);
        quoted.put("S3_TRAINER_SECRET_KEY", "with\"quote");
        Run bad = run(
                List.of(
                        "sh",
                        SCRIPTS.resolve("write-identities.sh").toString(),
                        dir.resolve("a").toString()),
                quoted,
                dir);
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("S3_TRAINER_SECRET_KEY");
        assertThat(dir.resolve("a")).doesNotExist();
        Map<String, String> missing = new HashMap<>(KEYS);
        missing.remove("S3_EVALUATOR_ACCESS_KEY");
        Run absent = run(
                List.of(
                        "sh",
                        SCRIPTS.resolve("write-identities.sh").toString(),
                        dir.resolve("b").toString()),
                missing,
                dir);
        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.output()).contains("S3_EVALUATOR_ACCESS_KEY is not set");
        Map<String, String> shared = new HashMap<>(KEYS);
        shared.put("S3_DATASET_ACCESS_KEY", KEYS.get("S3_RESULTS_ACCESS_KEY"));
        Run same = run(
                List.of(
                        "sh",
                        SCRIPTS.resolve("write-identities.sh").toString(),
                        dir.resolve("c").toString()),
                shared,
                dir);
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.output()).contains("S3_*_ACCESS_KEY values must differ");
        assertThat(dir.resolve("c")).doesNotExist();
    }

    record Request(String verb, String key) {
        static Request read(String key) {
            return new Request("Read", key);
        }

        static Request write(String key) {
            return new Request("Write", key);
        }

        /** A listing with this prefix (SeaweedFS checks List against the prefix). */
        static Request list(String prefix) {
            return new Request("List", prefix);
        }
    }

    private static Map<String, JsonNode> identities(Path dir, Map<String, String> env) throws Exception {
        Path out = dir.resolve("s3.json");
        Run run = run(List.of("sh", SCRIPTS.resolve("write-identities.sh").toString(), out.toString()), env, dir);
        assertThat(run.exitCode()).as(run.output()).isZero();
        Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
        new ObjectMapper()
                .readTree(out.toFile())
                .path("identities")
                .forEach(identity -> byName.put(identity.path("name").asText(), identity));
        return byName;
    }

    @Test
    void theBucketIsCreatedOnceWithoutAnOwnerUnlessOneIsNamed(@TempDir Path dir) throws Exception {
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
        Map<String, String> env = new HashMap<>(Map.of(
                "S3_BUCKET",
                "softcifar",
                "SEAWEEDFS_MASTER",
                "s3:9333",
                "SEAWEEDFS_FILER",
                "s3:8888",
                "FAKE_DIR",
                dir.toString()));
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        List<String> command = List.of("sh", SCRIPTS.resolve("create-bucket.sh").toString());

        Run first = run(command, env, dir);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("created softcifar");
        assertThat(Files.readAllLines(dir.resolve("commands")))
                .containsExactly("s3.bucket.list", "s3.bucket.create -name softcifar", "s3.bucket.list");

        Run second = run(command, env, dir);
        assertThat(second.exitCode()).isZero();
        assertThat(second.output()).contains("softcifar exists");
        assertThat(Files.readAllLines(dir.resolve("commands")))
                .as("no second create")
                .hasSize(4);

        Files.delete(dir.resolve("buckets"));
        env.put("S3_BUCKET_OWNER", "softcifar-dataset-service");
        Run owned = run(command, env, dir);
        assertThat(owned.exitCode()).as(owned.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("commands")))
                .contains("s3.bucket.create -name softcifar -owner softcifar-dataset-service");
    }

    record Run(int exitCode, String output) {}

    private static Run run(List<String> command, Map<String, String> env, Path dir)
            throws IOException, InterruptedException {
        Path log = dir.resolve("run-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("S3_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }
}
