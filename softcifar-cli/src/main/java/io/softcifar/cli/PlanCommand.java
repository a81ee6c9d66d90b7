package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.study.PlanRow;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyPlan;
import io.softcifar.contracts.study.StudyRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code softcifar plan}: a study expanded here, with the results-service's own expander (contracts), so no stack
 * has to run and nothing is submitted. The JSON is what {@code POST /api/studies?dryRun=true} answers.
 */
@Command(
        name = "plan",
        sortOptions = false,
        description = {
            "Show the runs of a study without submitting it and without a running stack: "
                    + "--preset paper (the reference's 30 configurations) or a STUDY.json as POST /api/studies takes it."
                    + " Prints one row per run (method, labels, mixing, augment, α, q, dropout rate, seed, run id);"
                    + " --json prints what POST /api/studies?dryRun=true answers."
        })
final class PlanCommand implements Callable<Integer> {

    /** The dataset a preset plan names when none is given (run ids depend on it through the study id). */
    static final String NO_DATASET = "dataset";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STUDY.json", arity = "0..1")
    Path file;

    @Option(names = "--preset")
    String preset;

    @Option(names = "--seeds", paramLabel = "N")
    Integer seeds;

    @Option(names = "--name", defaultValue = "paper")
    String name;

    @Option(names = "--dataset-id", defaultValue = NO_DATASET)
    String datasetId;

    @Option(names = "--id")
    String id;

    @Option(names = "--max-runs", defaultValue = "1000", hidden = true)
    int maxRuns;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        StudyRequest request = request();
        StudyExpander.Result result = new StudyExpander(maxRuns).expand(request);
        if (!result.isValid()) {
            throw new IllegalArgumentException("invalid study: "
                    + result.errors().stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
        StudyPlan plan = StudyPlan.of(result.expansion());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(plan));
        } else {
            printTable(plan, out);
        }
        out.flush();
        return 0;
    }

    private StudyRequest request() {
        if ((file == null) == (preset == null)) {
            throw new IllegalArgumentException("give either --preset paper or a STUDY.json file");
        }
        if (file != null) {
            if (seeds != null || id != null) {
                throw new IllegalArgumentException("--seeds and --id go with --preset; a STUDY.json has its own");
            }
            return readStudy(file);
        }
        JsonNode seedCount = seeds == null ? null : IntNode.valueOf(seeds);
        return new StudyRequest(id, name, preset, null, datasetId, null, seedCount, null, null);
    }

    /**
     * A study file as the service would take it: at most {@link Limits#MAX_BODY_BYTES} (checked before it is read),
     * JSON of a {@link StudyRequest}.
     */
    static StudyRequest readStudy(Path file) {
        String body;
        try {
            long size = Files.size(file);
            if (size > Limits.MAX_BODY_BYTES) {
                throw new IllegalArgumentException(file + ": " + Limits.atMost(Limits.MAX_BODY_BYTES, "bytes", size)
                        + " (the services' request body limit, " + Limits.MAX_BODY_SIZE + ")");
            }
            body = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
        try {
            return EventCodec.fromJson(body, StudyRequest.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a study definition: "
                    + String.valueOf(e.getMessage()).split("\n", -1)[0]);
        }
    }

    static void printTable(StudyPlan plan, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%-4s %-30s %-8s %-6s %-7s %-7s %-5s %-5s %-5s %4s  %s%n",
                "#",
                "configuration",
                "method",
                "labels",
                "mixing",
                "augment",
                "α",
                "q",
                "p",
                "seed",
                "run id");
        int i = 1;
        for (PlanRow r : plan.runs()) {
            out.printf(
                    Locale.ROOT,
                    "%-4d %-30s %-8s %-6s %-7s %-7s %-5s %-5s %-5s %4d  %s%n",
                    i++,
                    r.label(),
                    r.method(),
                    r.labelMode(),
                    r.mixing(),
                    r.augment() ? "yes" : "no",
                    number(r.mixAlpha()),
                    r.mixing().equals("none") ? "-" : r.mixProbability() == null ? "H" : number(r.mixProbability()),
                    number(r.dropoutRate()),
                    r.seed(),
                    r.runId());
        }
        out.printf(
                Locale.ROOT,
                "%d configurations × %d seeds = %d runs of study %s; nothing submitted "
                        + "(./softcifar submit STUDY.json runs them)%n",
                plan.configurations(),
                plan.seeds().size(),
                plan.runs().size(),
                plan.studyId());
    }

    private static String number(Double value) {
        return value == null
                ? "-"
                : java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
