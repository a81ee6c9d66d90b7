package io.softcifar.dataset.imports;

import static io.softcifar.dataset.imports.ImportFixtures.folder;
import static io.softcifar.dataset.imports.ImportFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.ml.data.InvalidDataException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceResolverTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code body} at {@code /files/<name>} on 127.0.0.1 (any other path: 404); returns the URL. */
    private String serve(String name, byte[] body) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/files/", exchange -> {
            requests.incrementAndGet();
            if (exchange.getRequestURI().getPath().equals("/files/" + name)) {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name;
    }

    private static String hex(String algorithm, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
    }

    /** A folder with test_batch.bin only; the probabilities come from {@code probs}. */
    private DatasetSpec specWithProbs(Path dir, SourceRef probs) {
        return ImportFixtures.withSources(spec(dir, 0L), ImportFixtures.dirWith(dir, "cifar10hProbs", probs));
    }

    private Path folderWithoutProbs() throws Exception {
        Path dir = folder(tmp.resolve("data"), 40, 1);
        Files.move(dir.resolve("cifar10h-probs.npy"), tmp.resolve("cifar10h-probs.npy"));
        return dir;
    }

    private List<Path> files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void missingSourcesAreAllNamedWithWhatToDo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec(empty, 0L)))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("sources.cifar10Test: neither test_batch.bin nor cifar-10-binary.tar.gz in " + empty
                        + ", and no path or url; set sources.download=true to fetch the official archive, or put one of"
                        + " them there; sources.cifar10hProbs: no cifar10h-probs.npy in " + empty
                        + " and no path or url;"
                        + " set sources.download=true to fetch the official file, or put cifar10h-probs.npy there, or"
                        + " give sources.cifar10hProbs.path");
    }

    @Test
    void missingSourceWithoutAFolder() {
        DatasetSpec spec = ImportFixtures.withOod(
                ImportFixtures.withSources(
                        spec(tmp, 0L),
                        new Sources(
                                null,
                                false,
                                SourceRef.ofPath(tmp.toString() + "/x.bin"),
                                null,
                                null,
                                null,
                                null,
                                null)),
                "svhn");
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec))
                .hasMessage("sources.cifar10Test.path: " + tmp + "/x.bin is not a file under an import root of this"
                        + " service (missing, or outside every root; an absolute path is needed); start the stack with"
                        + " --import-root DIR (./softcifar up --import-root DIR, or softcifar.dataset.import-roots)"
                        + " naming the folder that holds your data");
        Path dir = folder(tmp.resolve("d"), 40, 1);
        DatasetSpec noSvhn = ImportFixtures.withSources(
                spec,
                new Sources(
                        null,
                        false,
                        SourceRef.ofPath(dir + "/test_batch.bin"),
                        null,
                        SourceRef.ofPath(dir + "/cifar10h-probs.npy"),
                        null,
                        null,
                        null));
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(noSvhn))
                .hasMessage(
                        "sources.svhnTest: no path or url and no sources.dir; set sources.download=true to fetch the"
                                + " official file, or set sources.dir to a folder holding test_32x32.mat, or give"
                                + " sources.svhnTest.path");
    }

    @Test
    void localFilesAreHashedAndDeclaredChecksumsChecked() throws Exception {
        Path dir = folder(tmp.resolve("data"), 40, 1);
        byte[] probs = Files.readAllBytes(dir.resolve("cifar10h-probs.npy"));
        ResolvedInputs in = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec(dir, 0L));
        ResolvedInput p = in.get(DatasetInput.CIFAR10H_PROBS).orElseThrow();
        assertThat(p.sha256()).isEqualTo(hex("SHA-256", probs));
        assertThat(p.md5()).isEqualTo(hex("MD5", probs));
        assertThat(p.origin()).isEqualTo(ResolvedInput.Origin.DIR);
        assertThat(p.bytes()).isEqualTo(probs.length);

        String wrong = "ab".repeat(32);
        Path file = dir.resolve("cifar10h-probs.npy");
        DatasetSpec spec = specWithProbs(dir, new SourceRef(file.toString(), null, null, wrong));
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec))
                .hasMessage("sources.cifar10hProbs: checksum mismatch for " + file + ": expected sha256 " + wrong
                        + ", got " + hex("SHA-256", probs));
    }

    @Test
    void md5MismatchOfADownloadIsReportedAndTheFileDeleted() throws Exception {
        Path dir = folderWithoutProbs();
        byte[] body = Files.readAllBytes(tmp.resolve("cifar10h-probs.npy"));
        String url = serve("cifar10h-probs.npy", body);
        String wrong = "0123456789abcdef0123456789abcdef";
        DatasetSpec spec = specWithProbs(dir, SourceRef.ofUrlMd5(url, wrong));
        assertThat(spec.validate()).isEmpty();
        Path cache = tmp.resolve("cache");
        assertThatThrownBy(() -> ImportFixtures.resolver(cache).resolve(spec))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("sources.cifar10hProbs: checksum mismatch for " + url + ": expected md5 " + wrong + ", got "
                        + hex("MD5", body));
        assertThat(files(cache)).isEmpty();
    }

    @Test
    void aVerifiedDownloadIsCachedAndReused() throws Exception {
        Path dir = folderWithoutProbs();
        byte[] body = Files.readAllBytes(tmp.resolve("cifar10h-probs.npy"));
        String url = serve("cifar10h-probs.npy", body);
        String md5 = hex("MD5", body);
        DatasetSpec spec = specWithProbs(dir, SourceRef.ofUrlMd5(url, md5));
        Path cache = tmp.resolve("cache");

        ResolvedInput first = ImportFixtures.resolver(cache)
                .resolve(spec)
                .get(DatasetInput.CIFAR10H_PROBS)
                .orElseThrow();
        assertThat(first.file()).isEqualTo(cache.resolve("downloads/" + md5 + "-cifar10h-probs.npy"));
        assertThat(Files.readAllBytes(first.file())).isEqualTo(body);
        assertThat(first.origin()).isEqualTo(ResolvedInput.Origin.URL);
        assertThat(first.location()).isEqualTo(url);
        assertThat(requests).hasValue(1);

        ResolvedInputs again = ImportFixtures.resolver(cache).resolve(spec);
        assertThat(requests).hasValue(1);
        assertThat(again.get(DatasetInput.CIFAR10H_PROBS).orElseThrow().sha256())
                .isEqualTo(first.sha256());

        // the same data from a local folder is the same dataset
        Path local = ImportFixtures.copyFolder(dir, tmp.resolve("local"));
        Files.copy(tmp.resolve("cifar10h-probs.npy"), local.resolve("cifar10h-probs.npy"));
        assertThat(DatasetIds.compute(
                        spec(local, 0L), ImportFixtures.resolver(cache).resolve(spec(local, 0L))))
                .isEqualTo(DatasetIds.compute(spec, again));
        assertThat(files(cache)).hasSize(1);
    }

    @Test
    void httpErrorsNameTheFieldAndUrl() throws Exception {
        Path dir = folderWithoutProbs();
        String url = serve("cifar10h-probs.npy", new byte[] {1}).replace("cifar10h-probs.npy", "gone.npy");
        DatasetSpec spec = specWithProbs(dir, SourceRef.ofUrlMd5(url, "0123456789abcdef0123456789abcdef"));
        assertThatThrownBy(() -> ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec))
                .hasMessage("sources.cifar10hProbs: download of " + url
                        + " failed: HTTP 404 (check the URL, or download" + " the file yourself and set sources.dir)");
        assertThat(files(tmp.resolve("cache"))).isEmpty();
    }

    @Test
    void idFromDeclaredChecksumsEqualsTheIdAfterResolution() throws Exception {
        Path dir = folderWithoutProbs();
        byte[] body = Files.readAllBytes(tmp.resolve("cifar10h-probs.npy"));
        String url = serve("cifar10h-probs.npy", body);
        Path test = dir.resolve("test_batch.bin");
        Sources sources = new Sources(
                null,
                false,
                new SourceRef(test.toString(), null, null, hex("SHA-256", Files.readAllBytes(test))),
                null,
                SourceRef.ofUrlSha256(url, hex("SHA-256", body)),
                null,
                null,
                null);
        DatasetSpec spec = ImportFixtures.withSources(spec(dir, 0L), sources);
        String declared = DatasetIds.fromDeclaredChecksums(ImportFixtures.resolver(tmp.resolve("cache")), spec)
                .orElseThrow();
        assertThat(requests).hasValue(0);
        assertThat(DatasetIds.compute(
                        spec, ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec)))
                .isEqualTo(declared);

        // an md5-only download, or a file found in a folder, has no declared SHA-256
        DatasetSpec md5Only = specWithProbs(dir, SourceRef.ofUrlMd5(url, hex("MD5", body)));
        assertThat(DatasetIds.fromDeclaredChecksums(ImportFixtures.resolver(tmp.resolve("cache")), md5Only))
                .isEmpty();
    }

    @Test
    void theTestImagesAreTakenOutOfTheArchiveWhenThereIsNoTestBatch() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path withTestBatch = folder(tmp.resolve("plain"), 30, 4);
        var test = io.softcifar.ml.data.Cifar10Binary.read(withTestBatch.resolve("test_batch.bin"));
        Files.copy(withTestBatch.resolve("cifar10h-probs.npy"), dir.resolve("cifar10h-probs.npy"));
        ImportFixtures.cifar10Archive(dir.resolve("cifar-10-binary.tar.gz"), 3, test, tmp.resolve("scratch"));
        Path cache = tmp.resolve("cache");
        ResolvedInputs in = ImportFixtures.resolver(cache).resolve(spec(dir, 0L));
        ResolvedInput t = in.get(DatasetInput.CIFAR10_TEST).orElseThrow();
        assertThat(t.origin()).isEqualTo(ResolvedInput.Origin.ARCHIVE);
        assertThat(t.location())
                .isEqualTo(dir.resolve("cifar-10-binary.tar.gz") + "!cifar-10-batches-bin/test_batch.bin");
        assertThat(Files.readAllBytes(t.file())).isEqualTo(Files.readAllBytes(withTestBatch.resolve("test_batch.bin")));
        assertThat(in.get(DatasetInput.CIFAR10_ARCHIVE)).isEmpty(); // only its test_batch.bin is used
        // same test images from the archive or from a folder: the same dataset
        assertThat(DatasetIds.compute(spec(dir, 0L), in))
                .isEqualTo(DatasetIds.compute(
                        spec(withTestBatch, 0L), ImportFixtures.resolver(cache).resolve(spec(withTestBatch, 0L))));
    }
}
