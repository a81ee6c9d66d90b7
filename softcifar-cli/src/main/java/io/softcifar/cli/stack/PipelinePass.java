package io.softcifar.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One pass of {@code bench pipeline}: submit studies, follow their runs until every one is evaluated, on its clock. */
final class PipelinePass {

    private static final Set<String> ENDED = Set.of("FAILED", "CANCELLED");
    private static final Duration WATCHDOG = Duration.ofHours(2);
    static final long POLL_MILLIS = 100;

    /** A configuration of the study, and the dataset it trains on. */
    record Config(String method, String labelMode, String datasetId) {
        String label() {
            return method + "/" + labelMode;
        }
    }

    private final StackClient results;
    private final StackClient trainer;
    private final StackClient evaluations;
    private final PrintWriter out;
    double wallSeconds;
    double firstRunningSeconds = Double.NaN;
    double firstEpochSeconds = Double.NaN;

    PipelinePass(StackClient results, StackClient trainer, StackClient evaluations, PrintWriter out) {
        this.results = results;
        this.trainer = trainer;
        this.evaluations = evaluations;
        this.out = out;
    }

    /** Submits one study per configuration (seed {@code seed}), all at once, and waits for every evaluation. */
    List<PipelineFigures.RunTimes> submitAndWait(String name, List<Config> configs, long seed, int epochs) {
        Map<String, String> labels = new LinkedHashMap<>(); // runId -> label
        Instant submitted = Instant.now(); // the trainer's firstStepAt is on this machine's clock too
        long start = System.nanoTime();
        for (Config c : configs) {
            JsonNode answer =
                    results.post("/api/studies", study(name, c, seed, epochs)).body();
            labels.put(answer.path("runs").path(0).path("runId").asText(), c.label());
        }
        Map<String, Double> evaluatedAt = new LinkedHashMap<>();
        long deadline = System.nanoTime() + WATCHDOG.toNanos();
        while (evaluatedAt.size() < labels.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench pipeline: pass '" + name + "' not evaluated within "
                        + WATCHDOG.toHours() + " h (see the logs under --home)");
            }
            for (String runId : labels.keySet()) {
                if (evaluatedAt.containsKey(runId)) {
                    continue;
                }
                JsonNode run = results.get("/api/runs/" + runId);
                String status = run.path("status").asText();
                if (ENDED.contains(status)) {
                    throw new IllegalStateException("run " + runId + " " + status + ": "
                            + run.path("reason").asText());
                }
                if (Double.isNaN(firstRunningSeconds)
                        && Set.of("RUNNING", "FINISHED").contains(status)) {
                    firstRunningSeconds = seconds(start);
                }
                if (Double.isNaN(firstEpochSeconds) && run.path("epoch").asInt() > 0) {
                    firstEpochSeconds = seconds(start);
                }
                if ("COMPLETED".equals(run.path("evaluation").path("status").asText())) {
                    evaluatedAt.put(runId, seconds(start));
                    out.printf(
                            Locale.ROOT,
                            "  %-14s evaluated %.1f s after submit%n",
                            labels.get(runId),
                            evaluatedAt.get(runId));
                    out.flush();
                } else if ("FAILED".equals(run.path("evaluation").path("status").asText())) {
                    throw new IllegalStateException("run " + runId + ": evaluation failed: "
                            + run.path("evaluation").path("reason").asText());
                }
            }
            io.softcifar.cli.DatasetCommand.sleep(POLL_MILLIS);
        }
        wallSeconds = seconds(start);
        List<PipelineFigures.RunTimes> times = new ArrayList<>();
        for (var e : labels.entrySet()) {
            JsonNode run = results.get("/api/runs/" + e.getKey());
            JsonNode evaluation = evaluations.get("/api/evaluations/" + e.getKey());
            JsonNode trainerRun = trainer.get("/api/runs/" + e.getKey());
            JsonNode memory = trainerRun.path("memory");
            times.add(new PipelineFigures.RunTimes(
                    e.getValue(),
                    run.path("finished").path("trainSeconds").asDouble(),
                    evaluationSeconds(evaluation),
                    evaluatedAt.get(e.getKey()),
                    firstStep(trainerRun, submitted),
                    memory.path("residentMiBPeak").asLong(-1),
                    memory.path("runsAtPeak").asInt(0)));
        }
        return times;
    }

    private static ObjectNode study(String name, Config c, long seed, int epochs) {
        ObjectNode study = StackClient.json().createObjectNode();
        study.put("name", "bench pipeline " + name + " " + c.label() + " " + System.nanoTime());
        study.put("datasetId", c.datasetId());
        ObjectNode grid = study.putObject("grid");
        grid.putArray("methods").add(c.method());
        grid.putArray("labelModes").add(c.labelMode());
        study.putArray("seeds").add(seed);
        ObjectNode overrides = study.putObject("overrides");
        overrides.put("epochs", epochs);
        overrides.put("warmupEpochs", 1);
        overrides.putArray("milestones").add(Math.max(1, epochs));
        return study;
    }

    /** Seconds from {@code submitted} to the run's first training step ({@code firstStepAt} of the trainer's view). */
    static double firstStep(JsonNode trainerRun, Instant submitted) {
        JsonNode at = trainerRun.path("firstStepAt");
        if (!at.isTextual()) {
            throw new IllegalStateException("the trainer's view of the run has no firstStepAt: " + trainerRun);
        }
        return Duration.between(submitted, Instant.parse(at.asText())).toNanos() / 1e9;
    }

    /** The evaluator's own seconds for a run: its metrics.json's {@code timing.totalSeconds}. */
    static double evaluationSeconds(JsonNode evaluation) {
        JsonNode total = evaluation.path("timing").path("totalSeconds");
        if (!total.isNumber()) {
            throw new IllegalStateException("the evaluator's metrics.json has no timing.totalSeconds: " + evaluation);
        }
        return total.asDouble();
    }

    static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
