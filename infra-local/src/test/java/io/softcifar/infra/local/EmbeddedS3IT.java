package io.softcifar.infra.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded S3 server against the MinIO SDK, the client every service uses. */
class EmbeddedS3IT {

    private static EmbeddedS3 s3;
    private static MinioClient client;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = EmbeddedS3.builder().start();
        client = clientFor(s3, s3.secretKey());
        client.makeBucket(MakeBucketArgs.builder().bucket("it-bucket").build());
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Test
    void servesRandomCredentialsOnLoopback() throws Exception {
        assertThat(s3.endpoint()).isEqualTo("http://127.0.0.1:" + s3.port());
        // no fixed credentials: a key of its own per server (hex, 16 + 40 characters), different for a second server
        assertThat(s3.accessKey()).matches("local-[0-9a-f]{16}");
        assertThat(s3.secretKey()).matches("[0-9a-f]{40}");
        try (EmbeddedS3 other = EmbeddedS3.builder().start()) {
            assertThat(other.accessKey()).isNotEqualTo(s3.accessKey());
            assertThat(other.secretKey()).isNotEqualTo(s3.secretKey());
        }
        assertThat(s3.dataDir()).isEmpty();
    }

    @Test
    void storesAndReturnsAnObjectWhole() throws Exception {
        put(client, "it-bucket", "a/b/c.txt", "soft labels");

        assertThat(get(client, "it-bucket", "a/b/c.txt")).isEqualTo("soft labels");
    }

    @Test
    void servesAByteRange() throws Exception {
        put(client, "it-bucket", "range.txt", "0123456789");

        try (var in = client.getObject(GetObjectArgs.builder()
                .bucket("it-bucket")
                .object("range.txt")
                .offset(3L)
                .length(4L)
                .build())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
        }
    }

    @Test
    void listsNestedKeysWithoutDirectoryMarkers() throws Exception {
        put(client, "it-bucket", "tree/x/1", "1");
        put(client, "it-bucket", "tree/x/y/2", "2");

        List<String> names = new ArrayList<>();
        for (Result<Item> item : client.listObjects(ListObjectsArgs.builder()
                .bucket("it-bucket")
                .prefix("tree/")
                .recursive(true)
                .build())) {
            names.add(item.get().objectName());
        }
        assertThat(names).containsExactly("tree/x/1", "tree/x/y/2");
    }

    @Test
    void refusesAWrongSecretKey() throws Exception {
        try (MinioClient wrong = clientFor(s3, "not-the-secret")) {
            assertThatThrownBy(() -> wrong.bucketExists(
                            BucketExistsArgs.builder().bucket("it-bucket").build()))
                    .isInstanceOf(ErrorResponseException.class);
        }
    }

    @Test
    void keepsObjectsInTheDataDirectoryAcrossARestart(@TempDir Path dataDir) throws Exception {
        try (EmbeddedS3 first = EmbeddedS3.builder().optDataDir(dataDir).start();
                MinioClient c = clientFor(first, first.secretKey())) {
            c.makeBucket(MakeBucketArgs.builder().bucket("kept-bucket").build());
            put(c, "kept-bucket", "runs/1/model.bin", "weights");
        }
        assertThat(dataDir.resolve("kept-bucket").resolve("runs").resolve("1").resolve("model.bin"))
                .hasContent("weights");

        try (EmbeddedS3 second = EmbeddedS3.builder().optDataDir(dataDir).start();
                MinioClient c = clientFor(second, second.secretKey())) {
            assertThat(get(c, "kept-bucket", "runs/1/model.bin")).isEqualTo("weights");
        }
    }

    private static MinioClient clientFor(EmbeddedS3 server, String secretKey) {
        return MinioClient.builder()
                .endpoint(server.endpoint())
                .credentials(server.accessKey(), secretKey)
                .region("us-east-1")
                .build();
    }

    private static void put(MinioClient c, String bucket, String key, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        c.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }

    private static String get(MinioClient c, String bucket, String key) throws Exception {
        try (var in =
                c.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
