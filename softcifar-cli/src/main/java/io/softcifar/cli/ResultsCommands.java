package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.cli.stack.StackClient;
import java.awt.Desktop;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the web pages do, from the terminal: {@code runs cancel|retry}, {@code compare}, {@code open} ({@code fetch}
 * is {@link FetchCommand}).
 * Thin clients of the results-service's HTTP API.
 */
public final class ResultsCommands {

    private ResultsCommands() {}

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(
            name = "runs",
            description = "Act on single runs.",
            subcommands = {Cancel.class, Retry.class})
    static final class Runs extends ParentCommand {}

    /** A command that posts one action per run id and prints one line per run. */
    abstract static class RunAction extends ResultsServiceCommand {
        @Parameters(paramLabel = "RUN", arity = "1..*")
        List<String> runs;

        /** Posts the action for {@code run} and returns the line to print. */
        abstract String act(StackClient client, String run);

        @Override
        public void run() {
            StackClient client = results.client();
            for (String run : runs) {
                out().println(act(client, run));
            }
            out().flush();
        }
    }

    @Command(name = "cancel", description = "Ask runs to stop (their checkpoints " + "stay; retry resumes from them).")
    static final class Cancel extends RunAction {
        @Override
        String act(StackClient client, String run) {
            client.post("/api/runs/" + enc(run) + "/cancel", "");
            return run + ": asked to stop";
        }
    }

    @Command(
            name = "retry",
            description = "Request failed or cancelled runs again "
                    + "(they resume from their last checkpoint), or evaluate again a run whose evaluation failed.")
    static final class Retry extends RunAction {
        @Override
        String act(StackClient client, String run) {
            JsonNode answer =
                    client.post("/api/runs/" + enc(run) + "/retry", "").body();
            return run + ": " + (answer == null ? "run" : answer.path("retried").asText("run")) + " requested again";
        }
    }

    @Command(
            name = "compare",
            description = "A study's comparison table: mean ± "
                    + "standard error over seeds per configuration, best per metric in bold.")
    static final class Compare extends ResultsServiceCommand {
        @Parameters(paramLabel = "STUDY")
        String study;

        @Option(names = "--format", defaultValue = "md")
        String format;

        @Option(names = "--metric", paramLabel = "NAME")
        List<String> metrics = new ArrayList<>();

        @Override
        public void run() {
            String server = switch (format) {
                case "md", "markdown" -> "markdown";
                case "csv" -> "csv";
                case "latex", "tex" -> "latex";
                default ->
                    throw new IllegalArgumentException("--format: expected md, csv or latex, got '" + format + "'");
            };
            if (!metrics.isEmpty() && server.equals("latex")) {
                throw new IllegalArgumentException(
                        "--metric: only with --format md or csv (the LaTeX table has the " + "paper's columns)");
            }
            StackClient client = results.client();
            PrintWriter out = out();
            if (metrics.isEmpty()) {
                out.println(client.getText("/api/studies/" + enc(study) + "/comparison?format=" + server)
                        .strip());
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
                out.println(
                        server.equals("csv")
                                ? csvRows(
                                        client.getText("/api/studies/" + enc(study) + "/comparison?format=csv"),
                                        metrics)
                                : markdown(c, metrics));
            }
            out.flush();
        }

        /** The service's CSV, keeping the header and the rows of the chosen metrics (column "metric"). */
        static String csvRows(String csv, List<String> metrics) {
            try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.RFC4180
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get()
                            .parse(new java.io.StringReader(csv));
                    java.io.StringWriter text = new java.io.StringWriter();
                    org.apache.commons.csv.CSVPrinter printer = new org.apache.commons.csv.CSVPrinter(
                            text,
                            org.apache.commons.csv.CSVFormat.RFC4180
                                    .builder()
                                    .setHeader(parser.getHeaderNames().toArray(String[]::new))
                                    .get())) {
                for (org.apache.commons.csv.CSVRecord r : parser) {
                    if (metrics.contains(r.get("metric"))) {
                        printer.printRecord((Object[]) r.values());
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
                sb.append(' ')
                        .append(d.path("label").asText(m))
                        .append(
                                d.path("unit").asText().isEmpty()
                                        ? ""
                                        : " " + d.path("unit").asText())
                        .append(dir)
                        .append(" |");
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
                    String value = String.format(
                            Locale.ROOT,
                            "%." + d.path("decimals").asInt(4) + "f",
                            cell.path("mean").asDouble() * scale);
                    if (cell.hasNonNull("stdErr")) {
                        value += String.format(
                                Locale.ROOT,
                                " ± %." + d.path("errorDecimals").asInt(4) + "f",
                                cell.path("stdErr").asDouble() * scale);
                    }
                    sb.append(' ')
                            .append(cell.path("best").asBoolean() ? "**" + value + "**" : value)
                            .append(" |");
                }
                sb.append(' ').append(row.path("n").asInt()).append(" |\n");
            }
            return sb.toString().strip();
        }
    }

    @Command(
            name = "open",
            description = "Print a study's page URL and open it "
                    + "in the browser where a desktop exists. The URL signs the browser in once (a one-time code, valid two "
                    + "minutes); run open again for a new one.")
    static final class Open extends ResultsServiceCommand {
        @Parameters(paramLabel = "STUDY")
        String study;

        @Option(names = "--no-browser")
        boolean noBrowser;

        @Override
        public void run() {
            StackClient client = results.client();
            client.get("/api/studies/" + enc(study)); // exists? (clear 404 if not)
            // a one-time sign-in link: the browser spends the code for a session cookie and lands on the page
            String link = client.post("/api/auth/sign-in-codes", Map.of())
                    .body()
                    .path("path")
                    .asText();
            String page = client.baseUrl() + link + "&next=" + enc("/study.html?id=" + enc(study));
            PrintWriter out = out();
            out.println(page);
            out.flush();
            if (!noBrowser && hasDesktop()) {
                try {
                    Desktop.getDesktop().browse(URI.create(page));
                } catch (IOException | UnsupportedOperationException e) {
                    spec.commandLine()
                            .getErr()
                            .println(
                                    "softcifar: could not open a browser (" + e.getMessage() + "); open the URL above");
                }
            }
        }

        private static boolean hasDesktop() {
            boolean display = System.getenv("DISPLAY") != null
                    || System.getenv("WAYLAND_DISPLAY") != null
                    || !System.getProperty("os.name", "")
                            .toLowerCase(Locale.ROOT)
                            .contains("linux");
            return display
                    && !java.awt.GraphicsEnvironment.isHeadless()
                    && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE);
        }
    }
}
