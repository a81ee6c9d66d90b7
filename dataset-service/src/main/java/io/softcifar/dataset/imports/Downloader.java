package io.softcifar.dataset.imports;

import io.softcifar.contracts.util.FileTrees;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.lifecycle.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads source files over HTTP(S) into a cache folder and verifies them.
 *
 * <p>A file goes to {@code <cacheDir>/downloads/<checksum>-<name>}, where the checksum is the declared SHA-256, else the
 * declared MD5, and the name is the last segment of the URL. A cached file whose checksum still matches is reused
 * without a request. A download is written to a {@code .partial} file, hashed while it streams, and moved to its
 * cache name only when the declared checksums match; otherwise it is deleted and the error says
 * {@code "<field>: checksum mismatch for <url>: expected md5 X, got Y"}. Progress (bytes, %, MB/s) is logged every
 * 10% or 5 seconds. A URL with no declared checksum cannot be verified: it is downloaded again each time.
 *
 * <p>Bounds: every URL, and every redirect target (at most {@code maxRedirects}, followed here, never by the client),
 * passes {@link UrlPolicy} — scheme, host allow-list, public addresses only; a body larger than {@code maxBytes}
 * (announced or streamed) is refused; the whole download, redirects included, must end within {@code timeout}
 * (a stalled body is cut off).
 */
final class Downloader {

    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("download-deadline"));

    private final HttpClient http;
    private final Path downloads;
    private final UrlPolicy policy;
    private final long maxBytes;
    private final Duration timeout;
    private final int maxRedirects;

    Downloader(Path cacheDir, UrlPolicy policy, long maxBytes, Duration timeout, int maxRedirects) {
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        this.downloads = cacheDir.resolve("downloads");
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.maxRedirects = maxRedirects;
    }

    /** The cache file of a URL with these declared checksums (it may not exist yet). */
    Path cacheFile(String url, String md5, String sha256) {
        String key = Checksums.isSet(sha256)
                ? sha256.strip().toLowerCase(Locale.ROOT)
                : Checksums.isSet(md5)
                        ? md5.strip().toLowerCase(Locale.ROOT)
                        : "unverified-" + Sha256.hex(url).substring(0, 16);
        return downloads.resolve(key + "-" + fileName(url));
    }

    /**
     * The verified local copy of {@code url}: from the cache if present and matching, else downloaded.
     *
     * @param field the spec field it is for ({@code sources.cifar10Archive}); starts every error message
     * @throws InvalidDataException on an HTTP error, a network failure, a short body or a checksum mismatch
     */
    Fetched fetch(String field, String url, String md5, String sha256) {
        boolean verifiable = Checksums.isSet(md5) || Checksums.isSet(sha256);
        Path target = cacheFile(url, md5, sha256);
        if (verifiable && Files.isRegularFile(target)) {
            Checksums have = Checksums.of(target);
            if (have.mismatch(md5, sha256) == null) {
                LOG.info("{}: using cached {} (checksum ok)", field, target);
                return new Fetched(target, have);
            }
            LOG.warn("{}: cached {} does not match its checksum; downloading it again", field, target);
            FileTrees.deleteQuietly(target);
        }
        Path partial = null;
        Checksums got;
        try {
            Files.createDirectories(downloads);
            // a unique name: two imports may fetch the same file at once
            partial = Files.createTempFile(downloads, target.getFileName().toString(), ".partial");
            got = download(field, url, md5, sha256, partial);
        } catch (IOException e) {
            FileTrees.deleteQuietly(partial);
            throw new InvalidDataException(
                    field + ": cannot download " + url + ": " + describe(e)
                            + " (check the network, or download the file yourself and give its path or folder)",
                    e);
        } catch (InterruptedException e) {
            FileTrees.deleteQuietly(partial);
            Thread.currentThread().interrupt();
            throw new InvalidDataException(field + ": download of " + url + " was interrupted", e);
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(partial);
            throw e;
        }
        String mismatch = got.mismatch(md5, sha256);
        if (mismatch != null) {
            FileTrees.deleteQuietly(partial);
            throw new InvalidDataException(field + ": checksum mismatch for " + url + ": " + mismatch);
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            FileTrees.deleteQuietly(partial);
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        }
        if (!verifiable) {
            LOG.warn(
                    "{}: {} has no declared md5 or sha256, so it cannot be verified (sha256 {})",
                    field,
                    url,
                    got.sha256());
        }
        return new Fetched(target, got);
    }

    /** A verified local copy and its checksums. */
    record Fetched(Path file, Checksums checksums) {}

    private Checksums download(String field, String url, String md5, String sha256, Path partial)
            throws IOException, InterruptedException {
        URI uri = policy.check(field, url, md5, sha256);
        long deadline = System.nanoTime() + timeout.toNanos();
        LOG.info("{}: downloading {}", field, url);
        for (int redirects = 0; ; redirects++) {
            policy.checkAddresses(field, uri);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(remaining(field, url, deadline))
                    .GET()
                    .build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                throw tooSlow(field, url);
            }
            int status = response.statusCode();
            if (status >= 300
                    && status < 400
                    && response.headers().firstValue("Location").isPresent()) {
                response.body().close();
                if (redirects == maxRedirects) {
                    throw new InvalidDataException(field + ": download of " + url + " was redirected more than "
                            + maxRedirects + " times (softcifar.dataset.max-redirects)");
                }
                String location = response.headers().firstValue("Location").get();
                URI next;
                try {
                    next = uri.resolve(location);
                } catch (IllegalArgumentException e) {
                    throw new InvalidDataException(
                            field + ": download of " + url + " was redirected to an invalid" + " URL");
                }
                LOG.info("{}: redirected to {}", field, next);
                uri = policy.check(field, next.toString(), md5, sha256);
                continue;
            }
            return body(field, url, response, partial, deadline);
        }
    }

    private Checksums body(String field, String url, HttpResponse<InputStream> response, Path partial, long deadline)
            throws IOException {
        InputStream body = response.body();
        // a stalled body blocks read(): closing the stream at the deadline ends it
        java.util.concurrent.ScheduledFuture<?> cutOff = WATCHDOG.schedule(
                () -> {
                    try {
                        body.close();
                    } catch (IOException e) {
                        LOG.debug("closing a timed-out download: {}", e.getMessage());
                    }
                },
                Math.max(0, deadline - System.nanoTime()),
                java.util.concurrent.TimeUnit.NANOSECONDS);
        try (body) {
            if (response.statusCode() != 200) {
                throw new InvalidDataException(field + ": download of " + url + " failed: HTTP " + response.statusCode()
                        + " (check the URL, or download the file yourself and set sources.dir)");
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (total > maxBytes) {
                throw tooLarge(field, url, total + " bytes");
            }
            Checksums.Hasher hasher = new Checksums.Hasher();
            Progress progress = new Progress(field, total);
            try (OutputStream out = Files.newOutputStream(partial)) {
                byte[] buf = new byte[1 << 16];
                for (int r = body.read(buf); r >= 0; r = body.read(buf)) {
                    if (progress.bytes + r > maxBytes) {
                        throw tooLarge(field, url, "more than " + maxBytes + " bytes");
                    }
                    out.write(buf, 0, r);
                    hasher.update(buf, 0, r);
                    progress.add(r);
                }
            } catch (IOException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw tooSlow(field, url);
                }
                throw e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw tooSlow(field, url);
            }
            if (total >= 0 && progress.bytes != total) {
                throw new IOException("the body ended after " + progress.bytes + " of " + total + " bytes");
            }
            progress.done();
            return hasher.result();
        } finally {
            cutOff.cancel(false);
        }
    }

    private Duration remaining(String field, String url, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw tooSlow(field, url);
        }
        return Duration.ofNanos(left);
    }

    private InvalidDataException tooLarge(String field, String url, String size) {
        return new InvalidDataException(field + ": download of " + url + " is " + size + ", over the cap of " + maxBytes
                + " bytes (softcifar.dataset.max-download-bytes)");
    }

    private InvalidDataException tooSlow(String field, String url) {
        return new InvalidDataException(field + ": download of " + url + " took longer than " + timeout.toSeconds()
                + " s (softcifar.dataset.download-timeout)");
    }

    /** Logs bytes, percentage and speed every 10% (when the length is known) or every 5 seconds. */
    private static final class Progress {
        private final String field;
        private final long total;
        private final long start = System.nanoTime();
        private long bytes;
        private long lastLog = start;
        private int lastDecile;

        Progress(String field, long total) {
            this.field = field;
            this.total = total;
        }

        void add(int n) {
            bytes += n;
            long now = System.nanoTime();
            int decile = total > 0 ? (int) (bytes * 10 / total) : 0;
            if ((decile > lastDecile && decile < 10) || now - lastLog >= LOG_EVERY_NANOS) {
                lastDecile = Math.max(lastDecile, decile);
                lastLog = now;
                LOG.info("{}: {}", field, line(now));
            }
        }

        void done() {
            LOG.info("{}: downloaded {}", field, line(System.nanoTime()));
        }

        private String line(long now) {
            double seconds = Math.max(1e-9, (now - start) / 1e9);
            double mb = bytes / 1e6;
            String of =
                    total > 0 ? String.format(Locale.ROOT, " of %.1f MB (%d%%)", total / 1e6, bytes * 100 / total) : "";
            return String.format(Locale.ROOT, "%.1f MB%s, %.1f MB/s", mb, of, mb / seconds);
        }
    }

    private static String fileName(String url) {
        String path = url.replaceFirst("[?#].*$", "");
        String name = path.substring(path.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "download" : name;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
