package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.cli.stack.ApiToken;
import io.softcifar.cli.stack.StackClient;
import java.awt.Desktop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the web pages do, from the terminal: {@code runs cancel|retry}, {@code compare}, {@code fetch}, {@code open}.
 * Thin clients of the results-service's HTTP API.
 */
public final class ResultsCommands {

    private ResultsCommands() {}

    /** {@code --url}: where the results-service answers; shared by every command here. */
    static final class ResultsUrl {
        @Option(names = "--url", defaultValue = StudyCommands.RESULTS_URL, description = "results-service (default: ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--token-file", paramLabel = "FILE", description = "the API token to send (default: $"
                + ApiToken.ENV_FILE + ", else ~/.softcifar/" + ApiToken.FILE_NAME + " written by up)")
        Path tokenFile;

        StackClient client() {
            return new StackClient(url, "results-service", tokenFile);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "Act on single runs.",
            subcommands = {Cancel.class, Retry.class})
    static final class Runs implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** A command that posts one action per run id and prints one line per run. */
    abstract static class RunAction implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", arity = "1..*", description = "run ids")
        List<String> runs;

        @Mixin
        ResultsUrl results;

        /** Posts the action for {@code run} and returns the line to print. */
        abstract String act(StackClient client, String run);

        @Override
        public void run() {
            StackClient client = results.client();
            for (String run : runs) {
                spec.commandLine().getOut().println(act(client, run));
            }
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Ask runs to stop (their checkpoints "
            + "stay; retry resumes from them).")
    static final class Cancel extends RunAction {
        @Override
        String act(StackClient client, String run) {
            client.post("/api/runs/" + enc(run) + "/cancel", "");
            return run + ": asked to stop";
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Request failed or cancelled runs again "
            + "(they resume from their last checkpoint), or evaluate again a run whose evaluation failed.")
    static final class Retry extends RunAction {
        @Override
        String act(StackClient client, String run) {
            JsonNode answer = client.post("/api/runs/" + enc(run) + "/retry", "").body();
            return run + ": " + (answer == null ? "run" : answer.path("retried").asText("run")) + " requested again";
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = "A study's comparison table: mean ± "
            + "standard error over seeds per configuration, best per metric in bold.")
    static final class Compare implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "STUDY", description = "a study id")
        String study;

        @Option(names = "--format", defaultValue = "md", description = "md, csv or latex (default: ${DEFAULT-VALUE})")
        String format;

        @Option(names = "--metric", paramLabel = "NAME", description = "only these metrics (repeatable), e.g. "
                + "test/accuracy, test/ece, ood/svhn_auroc, fgsm/0.005_decrease; md and csv only")
        List<String> metrics = new ArrayList<>();

        @Mixin
        ResultsUrl results;

        @Override
        public void run() {
            String server = switch (format) {
                case "md", "markdown" -> "markdown";
                case "csv" -> "csv";
                case "latex", "tex" -> "latex";
                default -> throw new IllegalArgumentException("--format: expected md, csv or latex, got '" + format
                        + "'");
            };
            if (!metrics.isEmpty() && server.equals("latex")) {
                throw new IllegalArgumentException("--metric: only with --format md or csv (the LaTeX table has the "
                        + "paper's columns)");
            }
            StackClient client = results.client();
            PrintWriter out = spec.commandLine().getOut();
            if (metrics.isEmpty()) {
                out.println(client.getText("/api/studies/" + enc(study) + "/comparison?format=" + server).strip());
            } else {
                JsonNode c = client.get("/api/studies/" + enc(study) + "/comparison");
                List<String> known = new ArrayList<>();
                c.path("metrics").forEach(m -> known.add(m.asText()));
                for (String m : metrics) {
                    if (!known.contains(m)) {
                        throw new IllegalArgumentException("--metric: study " + study + " has no metric '" + m
                                + "' (it has: " + String.join(", ", known) + ")");
                    }
                }
                out.println(server.equals("csv") ? csvRows(client.getText("/api/studies/" + enc(study)
                        + "/comparison?format=csv"), metrics) : markdown(c, metrics));
            }
            out.flush();
        }

        /** The service's CSV, keeping the header and the rows of the chosen metrics (column "metric"). */
        static String csvRows(String csv, List<String> metrics) {
            try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.RFC4180.builder()
                    .setHeader().setSkipHeaderRecord(true).get().parse(new java.io.StringReader(csv));
                    java.io.StringWriter text = new java.io.StringWriter();
                    org.apache.commons.csv.CSVPrinter printer = new org.apache.commons.csv.CSVPrinter(text,
                            org.apache.commons.csv.CSVFormat.RFC4180.builder()
                                    .setHeader(parser.getHeaderNames().toArray(String[]::new)).get())) {
                for (org.apache.commons.csv.CSVRecord r : parser) {
                    if (metrics.contains(r.get("metric"))) {
                        printer.printRecord(r.values());
                    }
                }
                printer.flush();
                return text.toString().strip();
            } catch (IOException e) {
                throw new UncheckedIOException("the service's CSV: " + e.getMessage(), e);
            }
        }

        static String markdown(JsonNode c, List<String> metrics) {
            StringBuilder sb = new StringBuilder("| configuration |");
            for (String m : metrics) {
                JsonNode d = c.path("display").path(m);
                String dir = switch (c.path("directions").path(m).asText()) {
                    case "HIGHER" -> " ↑";
                    case "LOWER" -> " ↓";
                    default -> "";
                };
                sb.append(' ').append(d.path("label").asText(m)).append(d.path("unit").asText().isEmpty() ? ""
                        : " " + d.path("unit").asText()).append(dir).append(" |");
            }
            sb.append(" n |\n|").append(" --- |".repeat(metrics.size() + 2)).append('\n');
            for (JsonNode row : c.path("configurations")) {
                sb.append("| ").append(row.path("label").asText()).append(" |");
                for (String m : metrics) {
                    JsonNode cell = row.path("metrics").path(m);
                    JsonNode d = c.path("display").path(m);
                    if (cell.isMissingNode()) {
                        sb.append(" — |");
                        continue;
                    }
                    double scale = d.path("scale").asDouble(1);
                    String value = String.format(Locale.ROOT, "%." + d.path("decimals").asInt(4) + "f",
                            cell.path("mean").asDouble() * scale);
                    if (cell.hasNonNull("stdErr")) {
                        value += String.format(Locale.ROOT, " ± %." + d.path("errorDecimals").asInt(4) + "f",
                                cell.path("stdErr").asDouble() * scale);
                    }
                    sb.append(' ').append(cell.path("best").asBoolean() ? "**" + value + "**" : value).append(" |");
                }
                sb.append(' ').append(row.path("n").asInt()).append(" |\n");
            }
            return sb.toString().strip();
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download a run's best checkpoint "
            + "(default) or its evaluation files through the results-service, checking each file's SHA-256.")
    static final class Fetch implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", description = "a run id")
        String run;

        @ArgGroup(exclusive = true)
        What what = new What();

        static final class What {
            @Option(names = "--checkpoint", description = "the final best checkpoint (default)")
            boolean checkpoint;

            @Option(names = "--dump", description = "every file of the evaluation (dump, metrics, reliability)")
            boolean dump;
        }

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".", description = "where the files go "
                + "(default: the current folder)")
        Path output;

        @Mixin
        ResultsUrl results;

        @Override
        public void run() {
            StackClient client = results.client();
            JsonNode list = client.get("/api/runs/" + enc(run) + "/artifacts").path("artifacts");
            List<JsonNode> chosen = new ArrayList<>();
            for (JsonNode a : list) {
                boolean isCheckpoint = "checkpoint".equals(a.path("kind").asText());
                if (what.dump ? !isCheckpoint : isCheckpoint && a.path("name").asText().endsWith("best.ckpt")) {
                    chosen.add(a);
                }
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException(run + ": no " + (what.dump ? "evaluation files" : "best checkpoint")
                        + " yet (./softcifar status shows where the run is)");
            }
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode a : chosen) {
                String name = a.path("name").asText();
                Path target = output.resolve(run + "-" + name.replace('/', '-'));
                String sha = download(results.client(), "/api/runs/" + enc(run) + "/artifacts/" + name, target);
                if (!sha.equals(a.path("sha256").asText())) {
                    throw new IllegalStateException(target + ": SHA-256 " + sha + " differs from the published "
                            + a.path("sha256").asText() + "; the file was removed");
                }
                out.printf("%s  %,d bytes  sha256 %s%n", target, a.path("bytes").asLong(), sha);
            }
            out.flush();
        }
    }

    /** Streams {@code path} to {@code target} (through a partial file) and returns the SHA-256 of what came. */
    static String download(StackClient client, String path, Path target) {
        String base = client.baseUrl();
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(client.authorize(HttpRequest.newBuilder(URI.create(base + path))).GET().build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                throw new IllegalArgumentException("results-service: HTTP " + response.statusCode() + ": " + text);
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body(); OutputStream file = Files.newOutputStream(partial)) {
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
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // best effort: a partial file is named .part
            }
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true, description = "Print a study's page URL and open it "
            + "in the browser where a desktop exists. The URL signs the browser in once (a one-time code, valid two "
            + "minutes); run open again for a new one.")
    static final class Open implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "STUDY", description = "a study id")
        String study;

        @Option(names = "--no-browser", description = "only print the URL")
        boolean noBrowser;

        @Mixin
        ResultsUrl results;

        @Override
        public void run() {
            StackClient client = results.client();
            client.get("/api/studies/" + enc(study)); // exists? (clear 404 if not)
            // a one-time sign-in link: the browser spends the code for a session cookie and lands on the page
            String link = client.post("/api/auth/sign-in-codes", Map.of()).body().path("path").asText();
            String page = client.baseUrl() + link + "&next=" + enc("/study.html?id=" + enc(study));
            PrintWriter out = spec.commandLine().getOut();
            out.println(page);
            out.flush();
            if (!noBrowser && hasDesktop()) {
                try {
                    Desktop.getDesktop().browse(URI.create(page));
                } catch (IOException | UnsupportedOperationException e) {
                    spec.commandLine().getErr().println("softcifar: could not open a browser (" + e.getMessage()
                            + "); open the URL above");
                }
            }
        }

        private static boolean hasDesktop() {
            boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null
                    || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
            return display && !java.awt.GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE);
        }
    }
}
