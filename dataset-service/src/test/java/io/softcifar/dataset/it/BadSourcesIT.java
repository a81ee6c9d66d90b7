package io.softcifar.dataset.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.TestInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad dataset sources through the running service (real in-process Kafka broker and S3 server): paths, URLs,
 * archives, {@code .npy} and {@code .mat} files. Each case asserts the exact status and message, that the bucket's
 * {@code datasets/} keys are what they were before, and that no import is left IMPORTING; a case refused during the
 * import (a download) must also end FAILED with the same reason and nothing under its own prefix.
 *
 * <p>The test profile (application.properties {@code %test.}) makes {@code java.io.tmpdir} an import root, lets URL
 * sources reach this test's HTTP server on 127.0.0.1, puts 10.0.0.1, 169.254.169.254 and [fd00::1] on the host list
 * (so the address check is what refuses them), and caps downloads at 2,000,000 bytes and 3 s, archives at 50 entries
 * and 4,000,000 bytes.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class BadSourcesIT {

    private static final int N = 60;
    private static final String HINT = "; start the stack with --import-root DIR (./softcifar up --import-root DIR, or"
            + " softcifar.dataset.import-roots) naming the folder that holds your data";
    private static final String NPY_EXPECTED =
            "; expected float64 or float32 probabilities of shape (N, 10)," + " N ≤ 60000";
    private static final String MAT_EXPECTED = "; expected MAT v5 with X uint8 32×32×3×N and y N×1, N ≤ 100000";
    private static final AtomicInteger FOLDERS = new AtomicInteger();

    private static Path root;
    private static ObjectStore store;
    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);

    @BeforeAll
    static void setUp() throws IOException {
        root = Files.createTempDirectory("bad-sources-it").toRealPath();
        TestInfrastructure infra = TestInfrastructure.get();
        store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/to-private", x -> redirect(x, "https://10.0.0.1/cifar10h-probs.npy"));
        server.createContext("/hop/", x -> {
            int hop = Integer.parseInt(x.getRequestURI().getPath().substring("/hop/".length()));
            redirect(x, "/hop/" + (hop + 1));
        });
        server.createContext("/announced-large", x -> {
            // more than the cap, announced and then held back: the refusal must come from the header alone. (Closing
            // the connection at once raced the client, which then saw a truncated body instead of the header.)
            x.sendResponseHeaders(200, 3_000_000);
            try (OutputStream out = x.getResponseBody()) {
                out.flush();
                RELEASE_SLOW.await(60, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // the client hung up
            }
        });
        server.createContext("/streamed-large", x -> {
            x.sendResponseHeaders(200, 0); // chunked: no length announced
            try (OutputStream out = x.getResponseBody()) {
                byte[] chunk = new byte[100_000];
                for (int i = 0; i < 21; i++) { // 2,100,000 bytes
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up at the cap
            }
        });
        server.createContext("/stalls", x -> {
            x.sendResponseHeaders(200, 1000);
            try (OutputStream out = x.getResponseBody()) {
                out.write(new byte[10]);
                out.flush();
                RELEASE_SLOW.await(60, TimeUnit.SECONDS); // stalls until the test is over
            } catch (IOException | InterruptedException e) {
                // the client gave up
            }
        });
        server.start();
    }

    @AfterAll
    static void tearDown() {
        RELEASE_SLOW.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        store.close();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    private static String local(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** What one case sends and what it must get back. */
    record Outcome(Object body, String expected, boolean duringImport) {}

    /** A case: its name (shown in the report) and how to set it up. */
    record Case(String name, Setup setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Setup {
        Outcome prepare() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------- paths

    static Stream<Case> paths() {
        return Stream.of(
                new Case(
                        "an existing folder outside every root",
                        () -> new Outcome(dirSpec("/etc"), refusedFolder("sources.dir", "/etc"), false)),
                new Case(
                        "a missing folder outside every root: the same answer",
                        () -> new Outcome(
                                dirSpec("/no-such-folder-softcifar"),
                                refusedFolder("sources.dir", "/no-such-folder-softcifar"),
                                false)),
                new Case("a missing folder inside a root: the same answer", () -> {
                    String given = root.resolve("absent").toString();
                    return new Outcome(dirSpec(given), refusedFolder("sources.dir", given), false);
                }),
                new Case("'..' climbing out of a root", () -> {
                    String given = root + "/../../../../../../../../etc";
                    return new Outcome(dirSpec(given), refusedFolder("sources.dir", given), false);
                }),
                new Case("a symbolic link in a root pointing outside", () -> {
                    Path link = Files.createSymbolicLink(
                            root.resolve("link-" + FOLDERS.incrementAndGet()), Path.of("/etc"));
                    return new Outcome(dirSpec(link.toString()), refusedFolder("sources.dir", link.toString()), false);
                }),
                new Case(
                        "a relative path",
                        () -> new Outcome(dirSpec("data"), refusedFolder("sources.dir", "data"), false)),
                new Case("an explicit file path outside every root", () -> {
                    Path dir = folder();
                    Files.delete(dir.resolve("cifar10h-probs.npy"));
                    Map<String, Object> spec = dirSpec(dir.toString());
                    sources(spec).put("cifar10hProbs", Map.of("path", "/etc/passwd"));
                    return new Outcome(spec, refusedFile("sources.cifar10hProbs.path", "/etc/passwd"), false);
                }),
                new Case("a file in the folder that links outside every root", () -> {
                    Path dir = folder();
                    Files.delete(dir.resolve("cifar10h-probs.npy"));
                    Files.createSymbolicLink(dir.resolve("cifar10h-probs.npy"), Path.of("/etc/passwd"));
                    return new Outcome(
                            dirSpec(dir.toString()),
                            refusedFile(
                                    "sources.dir",
                                    dir.resolve("cifar10h-probs.npy").toString()),
                            false);
                }),
                new Case("a regular file given as the folder", () -> {
                    String given = folder().resolve("test_batch.bin").toString();
                    return new Outcome(dirSpec(given), refusedFolder("sources.dir", given), false);
                }));
    }

    private static String refusedFolder(String field, String given) {
        return field + ": " + given + " is not a folder under an import root of this service (missing, or outside"
                + " every root; an absolute path is needed)" + HINT;
    }

    private static String refusedFile(String field, String given) {
        return field + ": " + given + " is not a file under an import root of this service (missing, or outside"
                + " every root; an absolute path is needed)" + HINT;
    }

    // ---------------------------------------------------------------------------------------------------- URLs

    static Stream<Case> urls() {
        String probs = "sources.cifar10hProbs";
        return Stream.of(
                new Case(
                        "a host that is not on the list",
                        () -> url(
                                "https://example.org/cifar10h-probs.npy",
                                probs + ": host example.org of https://example.org/cifar10h-probs.npy is not on the"
                                        + " allow-list (softcifar.dataset.url-hosts)",
                                false)),
                new Case(
                        "a port other than the scheme's",
                        () -> url(
                                "https://github.com:8443/p.npy",
                                probs
                                        + ": https://github.com:8443/p.npy names port 8443 (only the scheme's default port is"
                                        + " allowed)",
                                false)),
                new Case(
                        "user info before the host",
                        () -> url(
                                "https://user@github.com/p.npy",
                                probs
                                        + ": https://user@github.com/p.npy has no plain host name (user info and host-less URLs"
                                        + " are refused)",
                                false)),
                new Case("the official http URL with another checksum", () -> {
                    Map<String, Object> spec = dirSpec(folder().toString());
                    sources(spec)
                            .put(
                                    "svhnTest",
                                    Map.of(
                                            "url",
                                            "http://ufldl.stanford.edu/housenumbers/test_32x32.mat",
                                            "md5",
                                            "00000000000000000000000000000000"));
                    spec.put("oodSets", List.of("svhn"));
                    return new Outcome(
                            spec,
                            "sources.svhnTest: http://ufldl.stanford.edu/housenumbers/test_32x32.mat"
                                    + " is plain http; only https URLs are allowed (plain http only for the official SVHN URL"
                                    + " with its pinned md5)",
                            false);
                }),
                new Case(
                        "a listed host with a private address",
                        () -> declared(
                                "https://10.0.0.1/p.npy",
                                probs
                                        + ": host 10.0.0.1 of https://10.0.0.1/p.npy resolves to 10.0.0.1, a private address"
                                        + " (downloads may reach public addresses only)")),
                new Case(
                        "a listed host with a link-local address (cloud metadata)",
                        () -> declared(
                                "https://169.254.169.254/latest/meta-data",
                                probs + ": host 169.254.169.254 of"
                                        + " https://169.254.169.254/latest/meta-data resolves to 169.254.169.254, a link-local"
                                        + " address (downloads may reach public addresses only)")),
                new Case(
                        "a listed host with an IPv6 unique-local address",
                        () -> declared(
                                "https://[fd00::1]/p.npy",
                                probs
                                        + ": host [fd00::1] of https://[fd00::1]/p.npy resolves to fd00:0:0:0:0:0:0:1, a private"
                                        + " address (downloads may reach public addresses only)")),
                new Case(
                        "a redirect to a private address",
                        () -> declared(
                                local("/to-private"),
                                probs + ": host 10.0.0.1 of https://10.0.0.1/cifar10h-probs.npy resolves to 10.0.0.1, a"
                                        + " private address (downloads may reach public addresses only)")),
                new Case(
                        "more than 3 redirects",
                        () -> declared(
                                local("/hop/0"),
                                probs + ": download of " + local("/hop/0") + " was redirected more than 3 times"
                                        + " (softcifar.dataset.max-redirects)")),
                new Case(
                        "a body announced larger than the cap",
                        () -> declared(
                                local("/announced-large"),
                                probs + ": download of " + local("/announced-large")
                                        + " is 3000000 bytes, over the cap of"
                                        + " 2000000 bytes (softcifar.dataset.max-download-bytes)")),
                new Case(
                        "a streamed body larger than the cap",
                        () -> declared(
                                local("/streamed-large"),
                                probs + ": download of " + local("/streamed-large")
                                        + " is more than 2000000 bytes, over the"
                                        + " cap of 2000000 bytes (softcifar.dataset.max-download-bytes)")),
                new Case(
                        "a body that stalls past the time cap",
                        () -> declared(
                                local("/stalls"),
                                probs + ": download of " + local("/stalls") + " took longer than 3 s"
                                        + " (softcifar.dataset.download-timeout)")));
    }

    /** The folder's images and the probabilities from {@code url}: resolved (and refused) when submitted. */
    private static Outcome url(String url, String expected, boolean duringImport) throws IOException {
        Path dir = folder();
        Files.delete(dir.resolve("cifar10h-probs.npy"));
        Map<String, Object> spec = dirSpec(dir.toString());
        sources(spec).put("cifar10hProbs", Map.of("url", url, "sha256", randomSha()));
        return new Outcome(spec, expected, duringImport);
    }

    /**
     * Every input with a declared SHA-256: the id is known without reading anything, so the service accepts the
     * request and refuses the download during the import, which must end FAILED.
     */
    private static Outcome declared(String url, String expected) throws Exception {
        Path dir = folder();
        Path images = dir.resolve("test_batch.bin");
        Map<String, Object> sources = new LinkedHashMap<>();
        sources.put("cifar10Test", Map.of("path", images.toString(), "sha256", sha256(Files.readAllBytes(images))));
        sources.put("cifar10hProbs", Map.of("url", url, "sha256", randomSha()));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("sources", sources);
        return new Outcome(spec, expected, true);
    }

    // ---------------------------------------------------------------------------------------------------- archives

    static Stream<Case> archives() {
        return Stream.of(
                new Case(
                        "an entry climbing out with '..'",
                        () -> archive(
                                List.of(file("cifar-10-batches-bin/../../evil.bin", 10)),
                                "entry 'cifar-10-batches-bin/../../evil.bin' has a '..' path (path traversal is refused)")),
                new Case(
                        "an entry with an absolute path",
                        () -> archive(
                                List.of(absolute("/etc/cron.d/evil")),
                                "entry '/etc/cron.d/evil' has an absolute path (path traversal is refused)")),
                new Case(
                        "a symbolic link",
                        () -> archive(
                                List.of(link("cifar-10-batches-bin/test_batch.bin", TarConstants.LF_SYMLINK)),
                                "entry 'cifar-10-batches-bin/test_batch.bin' is a symbolic link (links are refused)")),
                new Case(
                        "a hard link",
                        () -> archive(
                                List.of(link("cifar-10-batches-bin/test_batch.bin", TarConstants.LF_LINK)),
                                "entry 'cifar-10-batches-bin/test_batch.bin' is a hard link (links are refused)")),
                new Case(
                        "a character device",
                        () -> archive(
                                List.of(special("cifar-10-batches-bin/tty", TarConstants.LF_CHR)),
                                "entry 'cifar-10-batches-bin/tty' is a device file or FIFO (refused)")),
                new Case(
                        "a FIFO",
                        () -> archive(
                                List.of(special("cifar-10-batches-bin/pipe", TarConstants.LF_FIFO)),
                                "entry 'cifar-10-batches-bin/pipe' is a device file or FIFO (refused)")),
                new Case(
                        "more entries than the cap (51 > 50)",
                        () -> archive(
                                java.util.stream.IntStream.range(0, 50)
                                        .mapToObj(i -> file("cifar-10-batches-bin/f" + i, 1))
                                        .toList(), // + the folder entry = 51
                                "has more than 50 entries (softcifar.dataset.max-archive-entries)")),
                new Case(
                        "more bytes than the cap (5 × 1,000,000 > 4,000,000)",
                        () -> archive(
                                java.util.stream.IntStream.range(0, 5)
                                        .mapToObj(i -> file("cifar-10-batches-bin/z" + i, 1_000_000))
                                        .toList(),
                                "holds more than 4000000 bytes of files (softcifar.dataset.max-archive-bytes)")));
    }

    /** A folder with the probabilities and a cifar-10-binary.tar.gz (no test_batch.bin: it is read from the archive). */
    private static Outcome archive(List<TarArchiveEntry> entries, String problem) throws IOException {
        Path dir = folder();
        Files.delete(dir.resolve("test_batch.bin"));
        Path archive = dir.resolve("cifar-10-binary.tar.gz");
        try (OutputStream out = Files.newOutputStream(archive);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.putArchiveEntry(new TarArchiveEntry("cifar-10-batches-bin/"));
            tar.closeArchiveEntry();
            for (TarArchiveEntry e : entries) {
                tar.putArchiveEntry(e);
                if (e.isFile()) {
                    tar.write(new byte[(int) e.getSize()]);
                }
                tar.closeArchiveEntry();
            }
        }
        return new Outcome(dirSpec(dir.toString()), "sources.cifar10Archive: " + archive + " " + problem, false);
    }

    private static TarArchiveEntry file(String name, int size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        return e;
    }

    private static TarArchiveEntry absolute(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(4);
        return e;
    }

    private static TarArchiveEntry link(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setLinkName("/etc/passwd");
        return e;
    }

    private static TarArchiveEntry special(String name, byte type) {
        return new TarArchiveEntry(name, type);
    }

    // ---------------------------------------------------------------------------------------------------- .npy

    static Stream<Case> npyFiles() {
        return Stream.of(
                new Case(
                        "a header claiming 10^12 rows",
                        () -> npy(
                                npyBytes(1, "<f8", false, "(1000000000000, 10)", 80),
                                ".npy header declares shape (1000000000000, 10)" + NPY_EXPECTED)),
                new Case(
                        "another dtype (int64)",
                        () -> npy(
                                npyBytes(1, "<i8", false, "(60, 10)", N * 80),
                                ".npy header declares dtype '<i8'" + NPY_EXPECTED)),
                new Case(
                        "big-endian float64",
                        () -> npy(
                                npyBytes(1, ">f8", false, "(60, 10)", N * 80),
                                ".npy header declares dtype '>f8'" + NPY_EXPECTED)),
                new Case(
                        "Fortran order",
                        () -> npy(
                                npyBytes(1, "<f8", true, "(60, 10)", N * 80),
                                ".npy header declares Fortran order" + NPY_EXPECTED)),
                new Case(
                        "three dimensions",
                        () -> npy(
                                npyBytes(1, "<f8", false, "(60, 10, 1)", N * 80),
                                ".npy header declares shape (60, 10, 1), not 2-D" + NPY_EXPECTED)),
                new Case(
                        "a truncated body",
                        () -> npy(
                                npyBytes(1, "<f8", false, "(60, 10)", N * 80 - 8),
                                // header 128 bytes (10 + 118, padded to 64) + 60 · 10 · 8 = 4,928
                                "is 4920 bytes but its .npy header declares (60, 10) <f8, which takes 4928 (truncated)"
                                        + NPY_EXPECTED)),
                new Case(
                        "trailing bytes",
                        () -> npy(
                                npyBytes(1, "<f8", false, "(60, 10)", N * 80 + 8),
                                "is 4936 bytes but its .npy header declares (60, 10) <f8, which takes 4928 (trailing bytes)"
                                        + NPY_EXPECTED)),
                new Case(
                        "no NumPy magic",
                        () -> npy(
                                "not a numpy file at all".getBytes(StandardCharsets.US_ASCII),
                                "is not a NumPy .npy file (no \\x93NUMPY magic and version at the start)"
                                        + NPY_EXPECTED)),
                new Case("a header length beyond the file", () -> {
                    byte[] b = npyBytes(1, "<f8", false, "(60, 10)", 0);
                    b[8] = (byte) 0xFF;
                    b[9] = (byte) 0xFF;
                    return npy(b, ".npy header length 65535 is implausible for a file of 128 bytes" + NPY_EXPECTED);
                }));
    }

    private static Outcome npy(byte[] content, String problem) throws IOException {
        Path dir = folder();
        Path file = dir.resolve("cifar10h-probs.npy");
        Files.write(file, content);
        return new Outcome(dirSpec(dir.toString()), "sources.cifar10hProbs: " + file + ": " + problem, false);
    }

    /**
     * A {@code .npy} written here from the format description (magic, version, little-endian header length, dict
     * padded with spaces to a multiple of 64 bytes and ended by a newline), with {@code dataBytes} zero bytes of data.
     */
    static byte[] npyBytes(int major, String descr, boolean fortran, String shape, int dataBytes) {
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': "
                + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }");
        while ((10 + dict.length() + 1) % 64 != 0) {
            dict.append(' ');
        }
        dict.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        out.write(dict.length() & 0xFF);
        out.write(dict.length() >> 8);
        out.writeBytes(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------- .mat

    static Stream<Case> matFiles() {
        byte[] y2 = matrix("y", 6, new int[] {2, 1}, 9, new byte[16], -1);
        return Stream.of(
                new Case(
                        "X claiming 10^9 images",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("X", 9, new int[] {32, 32, 3, 1_000_000_000}, 2, new byte[0], -1),
                                        y2),
                                "variable 'X' declares shape 32×32×3×1000000000: 1000000000 images, more than the 100000"
                                        + " allowed or none" + MAT_EXPECTED)),
                new Case(
                        "X claiming 10^9 images, compressed",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        compressed(matrix(
                                                "X", 9, new int[] {32, 32, 3, 1_000_000_000}, 2, new byte[0], -1)),
                                        y2),
                                "variable 'X' declares shape 32×32×3×1000000000: 1000000000 images, more than the 100000"
                                        + " allowed or none" + MAT_EXPECTED)),
                new Case(
                        "X declaring more bytes than its shape needs",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        compressed(
                                                matrix("X", 9, new int[] {32, 32, 3, 2}, 2, new byte[0], 500_000_000)),
                                        y2),
                                // flags 16 + dims tag and 4·4 bytes 24 + name up to 8 + 64 + data tag 8 + 2 · 3072 =
                                // 6264
                                "variable 'X' declares 500000000 bytes, more than its shape 32×32×3×2 needs (6264)"
                                        + MAT_EXPECTED)),
                new Case(
                        "X of class double",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("X", 6, new int[] {32, 32, 3, 2}, 9, new byte[2 * 3072 * 8], -1),
                                        y2),
                                "variable 'X' has class 6 (expected uint8, class 9)" + MAT_EXPECTED)),
                new Case(
                        "X of 28×28×3 images",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("X", 9, new int[] {28, 28, 3, 2}, 2, new byte[2 * 28 * 28 * 3], -1),
                                        y2),
                                "variable 'X' declares shape 28×28×3×2 (expected 32×32×3×N)" + MAT_EXPECTED)),
                new Case(
                        "no y",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("X", 9, new int[] {32, 32, 3, 2}, 2, new byte[2 * 3072], -1)),
                                "has no variable 'y'" + MAT_EXPECTED)),
                new Case(
                        "an unexpected variable",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("Z", 6, new int[] {1, 1}, 9, new byte[8], -1)),
                                "holds unexpected variable 'Z' (1×1)" + MAT_EXPECTED)),
                new Case(
                        "a MAT v7.3 (HDF5) file",
                        () -> mat(
                                matHeader("MATLAB 7.3 MAT-file"),
                                "is a MAT v7.3 (HDF5) file, which is not supported" + MAT_EXPECTED)),
                new Case(
                        "not a MAT file",
                        () -> mat(
                                new byte[200],
                                "is not a MAT v5 file (no 'MATLAB 5.0 MAT-file' header with an endian indicator)"
                                        + MAT_EXPECTED)),
                new Case(
                        "an element larger than the file",
                        () -> mat(
                                concat(
                                        matHeader("MATLAB 5.0 MAT-file"),
                                        matrix("X", 9, new int[] {32, 32, 3, 2}, 2, new byte[0], 1 << 30)),
                                // 128 header + 8 tag + 16 flags + 24 dims + 8 name + 8 data tag
                                "declares an element of 1073741824 bytes at byte 128 but the file has 192 (truncated, or a"
                                        + " forged size)" + MAT_EXPECTED)));
    }

    private static Outcome mat(byte[] content, String problem) throws IOException {
        Path dir = folder();
        Path file = dir.resolve("test_32x32.mat");
        Files.write(file, content);
        Map<String, Object> spec = dirSpec(dir.toString());
        spec.put("oodSets", List.of("svhn"));
        return new Outcome(spec, "sources.svhnTest: " + file + ": " + problem, false);
    }

    /** The 128-byte MAT v5 header: text padded with spaces to 116 bytes, subsystem offset 0, version 0x0100, "IM". */
    static byte[] matHeader(String text) {
        byte[] h = new byte[128];
        java.util.Arrays.fill(h, 0, 116, (byte) ' ');
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, h, 0, t.length);
        h[124] = 0x00;
        h[125] = 0x01;
        h[126] = 'I';
        h[127] = 'M';
        return h;
    }

    /**
     * An uncompressed miMATRIX element (MAT-File Format: array flags, dimensions, name in the small-element form,
     * real data with element type {@code dataType}); {@code declared} ≥ 0 replaces the element's true byte count.
     */
    static byte[] matrix(String name, int mxClass, int[] dims, int dataType, byte[] data, long declared) {
        ByteBuffer b = ByteBuffer.allocate(16 + 8 + pad8(4 * dims.length) + 8 + 8 + pad8(data.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(6).putInt(8).putInt(mxClass).putInt(0);
        b.putInt(5).putInt(4 * dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.position(b.position() + pad8(4 * dims.length) - 4 * dims.length);
        b.putInt(name.length() << 16 | 1);
        byte[] n = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 4);
        b.put(n);
        b.putInt(dataType).putInt(data.length).put(data);
        byte[] body = b.array();
        ByteBuffer e = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(14).putInt((int) (declared >= 0 ? declared : body.length)).put(body);
        return e.array();
    }

    /** An miCOMPRESSED element holding {@code element} deflated (zlib). */
    static byte[] compressed(byte[] element) {
        Deflater d = new Deflater();
        d.setInput(element);
        d.finish();
        byte[] buf = new byte[element.length + 64];
        int len = d.deflate(buf);
        d.end();
        ByteBuffer e = ByteBuffer.allocate(8 + len).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(15).putInt(len).put(buf, 0, len);
        return e.array();
    }

    private static int pad8(int n) {
        return (n + 7) / 8 * 8;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------- the spec's other fields

    /**
     * The dataset spec's own fields (a valid folder source each time): the bounds of docs/security.md "Bounded
     * requests" (20 seeds, seed ≤ 2³¹−1) and the spec's documented value rules, each one problem naming the field.
     */
    static Stream<Case> specFields() {
        return Stream.of(
                new Case(
                        "21 seeds",
                        () -> new Outcome(
                                with(
                                        folder(),
                                        "seeds",
                                        java.util.stream.LongStream.rangeClosed(0, 20)
                                                .boxed()
                                                .toList()),
                                "seeds: at most 20 seeds, got 21",
                                false)),
                new Case(
                        "a negative seed",
                        () -> new Outcome(
                                with(folder(), "seeds", List.of(-1)), "seeds[0]: must be >= 0, got -1", false)),
                new Case(
                        "a seed above 2^31-1",
                        () -> new Outcome(
                                with(folder(), "seeds", List.of(2147483648L)),
                                "seeds[0]: at most 2147483647, got 2147483648",
                                false)),
                new Case(
                        "a seed twice",
                        () -> new Outcome(with(folder(), "seeds", List.of(3, 3)), "seeds[1]: duplicate seed 3", false)),
                new Case(
                        "an unknown protocol",
                        () -> new Outcome(
                                with(folder(), "protocol", "imagenet"),
                                "protocol: unknown protocol 'imagenet' (expected cifar10h-split or peterson)",
                                false)),
                new Case(
                        "a limit below 20 images",
                        () -> new Outcome(
                                with(folder(), "limit", 5),
                                "limit: must be between 20 and 10000 images (leave it out for all), got 5",
                                false)),
                new Case(
                        "a negative entropy threshold",
                        () -> new Outcome(
                                with(folder(), "entropyThreshold", -1.0),
                                "entropyThreshold: must be >= 0 (natural log; leave it out for none), got -1.0",
                                false)),
                new Case(
                        "an unknown OOD set",
                        () -> new Outcome(
                                with(folder(), "oodSets", List.of("imagenet")),
                                "oodSets[0]: unknown OOD set 'imagenet' (expected svhn or cifar100)",
                                false)));
    }

    private static Map<String, Object> with(Path folder, String field, Object value) {
        Map<String, Object> spec = dirSpec(folder.toString());
        spec.put(field, value);
        return spec;
    }

    // ---------------------------------------------------------------------------------------------------- the test

    @ParameterizedTest(name = "path: {0}")
    @MethodSource("paths")
    void aBadPathIsRefused(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "url: {0}")
    @MethodSource("urls")
    void aBadUrlIsRefused(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "archive: {0}")
    @MethodSource("archives")
    void aBadArchiveIsRefused(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "npy: {0}")
    @MethodSource("npyFiles")
    void aBadNpyFileIsRefused(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "spec field: {0}")
    @MethodSource("specFields")
    void aBadSpecFieldIsRefused(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "mat: {0}")
    @MethodSource("matFiles")
    void aBadMatFileIsRefused(Case c) throws Exception {
        check(c);
    }

    /**
     * 400 with exactly the expected problem; the bucket's dataset keys unchanged; nothing IMPORTING; a case refused
     * during the import is FAILED with the same reason and has no object under its prefix.
     */
    private static void check(Case c) throws Exception {
        Outcome o = c.setup().prepare();
        List<String> before = datasetKeys();
        Response r = given().contentType(ContentType.JSON).body(o.body()).when().post("/api/datasets");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        JsonPath body = r.jsonPath();
        assertThat(body.getList("problems")).as(r.asString()).hasSize(1);
        String field = body.getString("problems[0].field");
        String message = body.getString("problems[0].message");
        String problem = message.startsWith(field + ": ") ? message : field + ": " + message;
        assertThat(problem).isEqualTo(o.expected());
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("\tat ");

        assertThat(datasetKeys()).as("objects under datasets/").isEqualTo(before);
        List<Map<String, Object>> views = given().get("/api/datasets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(views).noneMatch(v -> "IMPORTING".equals(v.get("status")));
        List<Map<String, Object>> failed =
                views.stream().filter(v -> o.expected().equals(v.get("reason"))).toList();
        if (o.duringImport()) {
            assertThat(failed).as("the FAILED import with this reason").hasSize(1);
            String id = (String) failed.get(0).get("id");
            assertThat(failed.get(0).get("status")).isEqualTo("FAILED");
            given().get("/api/datasets/" + id)
                    .then()
                    .statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("FAILED"))
                    .body("reason", org.hamcrest.Matchers.equalTo(o.expected()));
            assertThat(store.list("datasets/" + id + "/"))
                    .as("objects under datasets/" + id + "/")
                    .isEmpty();
        } else {
            assertThat(failed)
                    .as("a request refused on arrival creates no dataset")
                    .isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** A fresh folder (test_batch.bin, cifar10h-probs.npy, batches.meta.txt) of N synthetic images under the root. */
    private static Path folder() {
        int i = FOLDERS.incrementAndGet();
        try {
            return SyntheticData.writeCifar10hFolder(Files.createDirectories(root.resolve("data-" + i)), N, 500 + i);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> dirSpec(String dir) {
        Map<String, Object> sources = new LinkedHashMap<>();
        sources.put("dir", dir);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("sources", sources);
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sources(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("sources");
    }

    private static List<String> datasetKeys() {
        return store.list("datasets/").stream().map(ObjectInfo::key).sorted().toList();
    }

    private static String randomSha() {
        byte[] b = new byte[32];
        new java.util.Random(FOLDERS.incrementAndGet()).nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
