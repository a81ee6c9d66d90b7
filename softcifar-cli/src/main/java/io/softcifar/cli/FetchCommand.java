package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.cli.stack.StackClient;
import io.softcifar.contracts.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fetch}: downloads a run's best checkpoint or evaluation files through the results-service, streaming each
 * to a partial file and checking its SHA-256 against the published one (moved out of {@link ResultsCommands}, whose
 * other commands only call the API).
 */
@Command(
        name = "fetch",
        description = "Download a run's best checkpoint "
                + "(default) or its evaluation files through the results-service, checking each file's SHA-256.")
final class FetchCommand extends ResultsServiceCommand {
    @Parameters(paramLabel = "RUN")
    String run;

    @ArgGroup(exclusive = true)
    What what = new What();

    static final class What {
        @Option(names = "--checkpoint")
        boolean checkpoint;

        @Option(names = "--dump")
        boolean dump;
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            defaultValue = ".")
    Path output;

    @Override
    public void run() {
        StackClient client = results.client();
        JsonNode list = client.get("/api/runs/" + ResultsCommands.enc(run) + "/artifacts")
                .path("artifacts");
        List<JsonNode> chosen = new ArrayList<>();
        for (JsonNode a : list) {
            boolean isCheckpoint = "checkpoint".equals(a.path("kind").asText());
            if (what.dump
                    ? !isCheckpoint
                    : isCheckpoint && a.path("name").asText().endsWith("best.ckpt")) {
                chosen.add(a);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(run + ": no " + (what.dump ? "evaluation files" : "best checkpoint")
                    + " yet (./softcifar status shows where the run is)");
        }
        PrintWriter out = out();
        for (JsonNode a : chosen) {
            String name = a.path("name").asText();
            Path target = output.resolve(run + "-" + name.replace('/', '-'));
            String sha =
                    download(results.client(), "/api/runs/" + ResultsCommands.enc(run) + "/artifacts/" + name, target);
            if (!sha.equals(a.path("sha256").asText())) {
                throw new IllegalStateException(target + ": SHA-256 " + sha + " differs from the published "
                        + a.path("sha256").asText() + "; the file was removed");
            }
            out.printf("%s  %,d bytes  sha256 %s%n", target, a.path("bytes").asLong(), sha);
        }
        out.flush();
    }

    /** Streams {@code path} to {@code target} (through a partial file) and returns the SHA-256 of what came. */
    static String download(StackClient client, String path, Path target) {
        String base = client.baseUrl();
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            HttpResponse<InputStream> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            client.authorize(HttpRequest.newBuilder(URI.create(base + path)))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                throw new IllegalArgumentException("results-service: HTTP " + response.statusCode() + ": " + text);
            }
            MessageDigest digest = Sha256.newDigest();
            try (InputStream in = response.body();
                    OutputStream file = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                    file.write(buffer, 0, n);
                }
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            return sha;
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach the results-service at " + base
                    + "; start the stack with ./softcifar up (or pass --url)");
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": download failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // best effort: a partial file is named .part
            }
        }
    }
}
