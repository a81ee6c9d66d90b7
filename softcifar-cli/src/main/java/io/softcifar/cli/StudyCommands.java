package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.cli.stack.StackClient;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.study.StudyExpander;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code softcifar submit} and {@code softcifar status}: thin clients of the results-service. */
public final class StudyCommands {

    private StudyCommands() {}

    @Command(
            name = "submit",
            description = "Submit a study (JSON, as POST /api/studies takes it; see results-service/README.md).")
    static final class Submit extends ResultsServiceCommand {

        @Parameters(paramLabel = "STUDY.json")
        Path file;

        @Override
        public void run() {
            // checked here as the service checks it (the same expander, the hard bounds only: the service applies
            // its own allowLarge threshold and knows the datasets), so a bad study never leaves the machine
            StudyExpander.Result checked = new StudyExpander(Limits.MAX_RUNS).expand(PlanCommand.readStudy(file));
            if (!checked.isValid()) {
                throw new IllegalArgumentException(file + ": invalid study, nothing submitted: "
                        + checked.errors().stream().map(FieldError::toString).collect(Collectors.joining("; ")));
            }
            String body;
            try {
                body = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
            }
            StackClient.Answer answer = results.client().post("/api/studies", body);
            PrintWriter out = out();
            JsonNode study = answer.body();
            out.printf(
                    "study %s: %d run(s)%s%n",
                    study.path("id").asText(),
                    study.path("runs").size(),
                    answer.status() == 200 ? " (already submitted; nothing published again)" : "");
            for (JsonNode run : study.path("runs")) {
                out.printf(
                        "  %s  %s%n",
                        run.path("runId").asText(), run.path("status").asText());
            }
            out.printf("follow: ./softcifar status %s%n", study.path("id").asText());
            out.flush();
        }
    }

    @Command(
            name = "status",
            description = "Without STUDY: every study with its runs by status. With STUDY: each run (status, epoch, "
                    + "ETA) and the comparison of what has finished.")
    static final class Status extends ResultsServiceCommand {

        @Parameters(paramLabel = "STUDY", arity = "0..1")
        String study;

        @Override
        public void run() {
            StackClient client = results.client();
            PrintWriter out = out();
            if (study == null) {
                JsonNode studies = client.get("/api/studies");
                if (studies.isEmpty()) {
                    out.println("no studies yet: ./softcifar submit STUDY.json");
                }
                for (JsonNode s : studies) {
                    out.printf(
                            "%s  %s  %d run(s) %s, %d evaluated%n",
                            s.path("id").asText(),
                            s.path("name").asText(),
                            s.path("runs").asInt(),
                            s.path("runsByStatus"),
                            s.path("evaluated").asInt());
                }
            } else {
                printStudy(client, study, out);
            }
            out.flush();
        }
    }

    /** The runs of a study, one line each, then the Markdown comparison. */
    static void printStudy(StackClient client, String studyId, PrintWriter out) {
        JsonNode detail = client.get("/api/studies/" + studyId);
        out.printf(
                "study %s (%s), dataset %s %s%n",
                detail.path("id").asText(),
                detail.path("name").asText(),
                detail.path("datasetId").asText("-"),
                detail.path("datasetStatus").asText());
        for (JsonNode run : detail.path("runs")) {
            out.println("  " + runLine(run));
        }
        out.println();
        out.println(client.getText("/api/studies/" + studyId + "/comparison?format=markdown")
                .strip());
    }

    public static String runLine(JsonNode run) {
        String epochs = run.hasNonNull("epochs") ? "/" + run.path("epochs").asText() : "";
        String eta = run.hasNonNull("etaSeconds")
                        && !"FINISHED".equals(run.path("status").asText())
                ? String.format(
                        Locale.ROOT, ", ETA %.0f s", run.path("etaSeconds").asDouble())
                : "";
        String status = run.path("status").asText();
        String reason = run.hasNonNull("reason") && ("FAILED".equals(status) || "CANCELLED".equals(status))
                ? " — " + run.path("reason").asText()
                : "";
        // recoveries: how often the results-service watchdog re-requested the run (absent from older services)
        int recoveries = run.path("recoveries").asInt(0);
        return String.format(
                Locale.ROOT,
                "%-28s seed %d  %-9s epoch %d%s%s%s%s%s",
                run.path("label").asText(),
                run.path("seed").asLong(),
                status,
                run.path("epoch").asInt(),
                epochs,
                eta,
                run.path("evaluated").asBoolean() ? ", evaluated" : "",
                recoveries > 0 ? ", recovered " + recoveries + "x" : "",
                reason);
    }
}
