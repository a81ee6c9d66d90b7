package io.softcifar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.infra.local.EmbeddedS3;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ObjectStore} against a real S3 server (S3Proxy in this JVM), through the real MinIO SDK. */
class ObjectStoreIT {

    private static final String BUCKET = "object-store-it";
    private static final int MIB = 1024 * 1024;

    private static EmbeddedS3 s3;
    private static ObjectStore store;

    @BeforeAll
    static void startServer() {
        s3 = EmbeddedS3.builder().start();
        store = open(BUCKET, s3.secretKey());
        store.ensureBucket();
    }

    @AfterAll
    static void stopServer() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Test
    void ensureBucketTwiceIsFineAndPingPasses() {
        store.ensureBucket();
        store.ping();
    }

    @Test
    void storesBytesAndDescribesThem() throws Exception {
        byte[] data = "soft labels".getBytes(StandardCharsets.UTF_8);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String etag = store.putBytes("it/bytes/hello.txt", data, "text/plain");

        // a single-part upload's entity tag is the MD5 of the content
        assertThat(etag).isEqualTo(md5Hex(data));
        ObjectInfo info = store.stat("it/bytes/hello.txt").orElseThrow();
        assertThat(info.key()).isEqualTo("it/bytes/hello.txt");
        assertThat(info.size()).isEqualTo(11);
        assertThat(info.etag()).isEqualTo(etag);
        assertThat(info.lastModified())
                .isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(store.getBytes("it/bytes/hello.txt")).isEqualTo(data);
        assertThat(store.exists("it/bytes/hello.txt")).isTrue();
    }

    @Test
    void storesJsonAsUtf8() {
        store.putJson("it/json/manifest.json", "{\"name\":\"cifar10h – ü\"}");

        assertThat(new String(store.getBytes("it/json/manifest.json"), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"cifar10h – ü\"}");
    }

    @Test
    void uploadsALargeFileInPartsAndDownloadsItWhole(@TempDir Path dir) throws Exception {
        byte[] data = new byte[12 * MIB + 123];
        new Random(42).nextBytes(data);
        Path file = dir.resolve("big.bin");
        Files.write(file, data);

        String etag = store.putFile("it/big/big.bin", file, null);

        // three parts of 5 MiB, 5 MiB and the rest: S3's multipart entity tag is MD5(MD5(p1)‖MD5(p2)‖MD5(p3))-3
        assertThat(etag).isEqualTo(multipartEtag(data, 5 * MIB));
        assertThat(store.stat("it/big/big.bin").orElseThrow().size()).isEqualTo(data.length);

        Path target = dir.resolve("down/nested/copy.bin");
        assertThat(store.download("it/big/big.bin", target)).isEqualTo(data.length);
        assertThat(Files.mismatch(file, target)).isEqualTo(-1L);
        assertThat(filesIn(target.getParent())).containsExactly("copy.bin");
    }

    @Test
    void readsAByteRangeAcrossAPartBoundary(@TempDir Path dir) throws Exception {
        byte[] data = new byte[6 * MIB];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("ranged.bin");
        Files.write(file, data);
        store.putFile("it/range/ranged.bin", file, "application/octet-stream");

        int offset = 5 * MIB - 10;
        assertThat(store.getRange("it/range/ranged.bin", offset, 20))
                .isEqualTo(Arrays.copyOfRange(data, offset, offset + 20));
        assertThat(store.getRange("it/range/ranged.bin", data.length - 3, 100))
                .as("a range past the end is cut at the end")
                .isEqualTo(Arrays.copyOfRange(data, data.length - 3, data.length));
    }

    @Test
    void streamsAnObject() throws IOException {
        store.putBytes("it/stream/s.txt", "streamed".getBytes(StandardCharsets.UTF_8), null);

        try (InputStream in = store.openStream("it/stream/s.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("streamed");
        }
    }

    @Test
    void listsAPrefixRecursivelyInKeyOrder() {
        store.putBytes("it/list/b.txt", new byte[2], null);
        store.putBytes("it/list/a/deep/c.txt", new byte[3], null);
        store.putBytes("it/list/a.txt", new byte[1], null);
        store.putBytes("it/listing-sibling/x.txt", new byte[1], null);

        List<ObjectInfo> listed = store.list("it/list/");

        assertThat(listed)
                .extracting(ObjectInfo::key)
                .containsExactly("it/list/a.txt", "it/list/a/deep/c.txt", "it/list/b.txt");
        assertThat(listed).extracting(ObjectInfo::size).containsExactly(1L, 3L, 2L);
        assertThat(store.list("it/list/nothing-here/")).isEmpty();
    }

    @Test
    void presignedUrlServesTheObjectWithoutCredentials() throws Exception {
        byte[] data = "shared via URL".getBytes(StandardCharsets.UTF_8);
        store.putBytes("it/presign/p.txt", data, "text/plain");

        var url = store.presignedGetUrl("it/presign/p.txt", Duration.ofMinutes(5));

        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(data);
        assertThatThrownBy(() -> store.presignedGetUrl("it/presign/p.txt", Duration.ofDays(8)))
                .hasMessageContaining("between 1 second and 7 days");
    }

    @Test
    void deletesAnObjectAndDeletingAgainIsHarmless() {
        store.putBytes("it/delete/d.txt", new byte[] {1}, null);

        store.delete("it/delete/d.txt");
        store.delete("it/delete/d.txt");

        assertThat(store.stat("it/delete/d.txt")).isEmpty();
        assertThat(store.exists("it/delete/d.txt")).isFalse();
    }

    @Test
    void deletesAFolderButNotItsLookalikeSibling() {
        store.putBytes("it/del/1", new byte[1], null);
        store.putBytes("it/del/2", new byte[1], null);
        store.putBytes("it/del/sub/3", new byte[1], null);
        store.putBytes("it/del-sibling/4", new byte[1], null);

        assertThat(store.deletePrefix("it/del/")).isEqualTo(3);

        assertThat(store.list("it/del/")).isEmpty();
        assertThat(store.exists("it/del-sibling/4")).isTrue();
        assertThat(store.deletePrefix("it/del/")).isZero();
        assertThatThrownBy(() -> store.deletePrefix("it/del")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUploadWithoutItsCompletionMarkerIsRemovedAndACompleteOneIsKept() {
        store.putBytes("it/partial/a", new byte[1], null);
        store.putBytes("it/partial/b/c", new byte[1], null);
        store.putBytes("it/complete/a", new byte[1], null);
        store.putBytes("it/complete/done.json", new byte[1], null);

        store.removeIncomplete("it/partial/", "it/partial/done.json", "test");
        store.removeIncomplete("it/complete/", "it/complete/done.json", "test");

        assertThat(store.list("it/partial/")).isEmpty();
        assertThat(store.list("it/complete/")).hasSize(2);
    }

    @Test
    void aMissingKeyIsEmptyOrNoSuchObjectNamingTheKey(@TempDir Path dir) {
        assertThat(store.stat("it/missing.bin")).isEmpty();

        assertThatThrownBy(() -> store.getBytes("it/missing.bin"))
                .isInstanceOfSatisfying(
                        NoSuchObjectException.class, e -> assertThat(e.key()).isEqualTo("it/missing.bin"))
                .hasMessage("Cannot read 'it/missing.bin' (bucket '" + BUCKET + "' at " + s3.endpoint()
                        + "): no such object");
        assertThatThrownBy(() -> store.getRange("it/missing.bin", 0, 10)).isInstanceOf(NoSuchObjectException.class);
        assertThatThrownBy(() -> store.download("it/missing.bin", dir.resolve("out.bin")))
                .isInstanceOf(NoSuchObjectException.class)
                .hasMessageContaining("to " + dir.resolve("out.bin"));
        assertThat(filesIn(dir)).as("no partial file left behind").isEmpty();
    }

    @Test
    void aLocalWriteFailureNamesTheTargetAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        store.putBytes("it/local/x.bin", new byte[] {1, 2, 3}, null);
        Path target = dir.resolve("occupied");
        Files.createDirectories(target.resolve("child"));

        assertThatThrownBy(() -> store.download("it/local/x.bin", target))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageStartingWith("Cannot download 'it/local/x.bin' to " + target + " (bucket")
                .hasMessageNotContaining("S3 API");
        assertThat(filesIn(dir)).containsExactly("occupied");
    }

    @Test
    void aMissingLocalFileIsNamed(@TempDir Path dir) {
        Path absent = dir.resolve("absent.bin");

        assertThatThrownBy(() -> store.putFile("it/x.bin", absent, null))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("Cannot upload 'it/x.bin' from " + absent + ": no such file");
    }

    @Test
    void aWrongSecretKeyIsReportedAsACredentialsProblem() {
        try (ObjectStore wrong = open(BUCKET, "not-the-secret")) {
            assertThatThrownBy(wrong::ping)
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("refused the credentials of access key '" + s3.accessKey() + "'")
                    .hasMessageContaining("softcifar.s3.secret-key");
        }
    }

    @Test
    void aMissingBucketIsReportedAsSuch() {
        try (ObjectStore other = open("no-such-bucket-here", s3.secretKey())) {
            assertThatThrownBy(other::ping)
                    .hasMessageContaining("bucket 'no-such-bucket-here'")
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> other.getBytes("a.txt"))
                    .isNotInstanceOf(NoSuchObjectException.class)
                    .hasMessageContaining("the bucket does not exist");
        }
    }

    @Test
    void anUnreachableEndpointIsReportedAsSuch() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            closedPort = socket.getLocalPort();
        }
        ObjectStoreConfig config = ObjectStoreConfig.of("http://127.0.0.1:" + closedPort, "ak", "sk", BUCKET);
        try (ObjectStore nowhere = new ObjectStore(config)) {
            assertThatThrownBy(nowhere::ping)
                    .hasMessageContaining("cannot connect to http://127.0.0.1:" + closedPort)
                    .hasMessageContaining("is the object store running?");
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        ObjectStore closed = open(BUCKET, s3.secretKey());
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.getBytes("it/bytes/hello.txt"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("is closed");
    }

    private static ObjectStore open(String bucket, String secretKey) {
        return new ObjectStore(ObjectStoreConfig.of(s3.endpoint(), s3.accessKey(), secretKey, bucket));
    }

    private static List<String> filesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    /** The S3 multipart entity tag, computed here from the published rule, not by the code under test. */
    private static String multipartEtag(byte[] data, int partSize) throws Exception {
        MessageDigest ofParts = MessageDigest.getInstance("MD5");
        int parts = 0;
        for (int start = 0; start < data.length; start += partSize) {
            byte[] part = Arrays.copyOfRange(data, start, Math.min(data.length, start + partSize));
            ofParts.update(MessageDigest.getInstance("MD5").digest(part));
            parts++;
        }
        return HexFormat.of().formatHex(ofParts.digest()) + "-" + parts;
    }
}
