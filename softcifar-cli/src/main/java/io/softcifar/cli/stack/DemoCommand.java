package io.softcifar.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softcifar demo}: {@code up}, import the data, submit a small study (basic and SNGP × soft and hard, one
 * seed), follow it, print the comparison, and leave the stack running for the API.
 */
@Command(
        name = "demo",
        description = {
            "The whole system end to end on this machine: starts the stack (as `up`), imports the data, "
                    + "trains and evaluates basic and SNGP ResNet-20 on soft and hard labels (1 seed), prints the comparison.",
            "Defaults are sized for about 5 minutes on a 2-core CPU."
        })
public final class DemoCommand implements Runnable {

    private static final Set<String> TERMINAL = Set.of("FAILED", "CANCELLED");

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR")
    Path data;

    @Option(names = "--epochs", defaultValue = "8")
    int epochs;

    @Option(names = "--limit", defaultValue = "4000")
    int limit;

    @Mixin
    StackOptions stackOptions;

    @Option(names = "--exit")
    boolean exit;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (data != null) {
            io.softcifar.cli.Folders.require("--data", data);
        }
        if (epochs < 1 || limit < 20) {
            throw new IllegalArgumentException("--epochs must be >= 1 and --limit >= 20");
        }
        // the demo imports --data, so the dataset-service may read it
        LocalStack stack = stackOptions.start(null, data == null ? List.of() : List.of(data), out);
        try {
            Map<String, String> urls = stack.urls();
            String datasetId = importData(new StackClient(urls.get("dataset-service"), "dataset-service"), out);
            StackClient results = new StackClient(urls.get("results-service"), "results-service");
            String studyId = submit(results, datasetId, out);
            follow(results, studyId, out);
            out.println();
            out.println(results.getText("/api/studies/" + studyId + "/comparison?format=markdown")
                    .strip());
            out.println();
            out.printf(
                    "Results API: %s/api/studies/%s (Swagger UI: %s/q/swagger-ui)%n",
                    urls.get("results-service"), studyId, urls.get("results-service"));
            out.flush();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        if (exit) {
            stack.close();
        } else {
            stack.runUntilInterrupted(out);
        }
    }

    private String importData(StackClient datasets, PrintWriter out) {
        ObjectNode body = StackClient.json().createObjectNode();
        ObjectNode sources = body.putObject("sources");
        if (data != null) {
            sources.put("dir", data.toAbsolutePath().normalize().toString());
            // OOD AUROC needs an OOD set: use the ones the folder has (../shared/data/cifar10h has none)
            com.fasterxml.jackson.databind.node.ArrayNode ood = body.putArray("oodSets");
            if (Files.isRegularFile(data.resolve("test_32x32.mat"))) {
                ood.add("svhn");
            }
            if (Files.isRegularFile(data.resolve("cifar-100-binary.tar.gz"))) {
                ood.add("cifar100");
            }
        } else {
            sources.put("download", true);
            body.putArray("oodSets").add("svhn");
        }
        body.put("limit", limit);
        out.printf(
                "Importing %s (%d images) ...%n",
                data != null ? data : "the official CIFAR-10 + CIFAR-10H files", limit);
        out.flush();
        JsonNode dataset;
        try {
            dataset = io.softcifar.cli.DatasetCommand.importDataset(datasets, body);
        } catch (IllegalArgumentException e) {
            if (data == null) {
                throw new IllegalArgumentException("could not get the official data (" + e.getMessage()
                        + "); pass --data DIR, a folder with test_batch.bin and cifar10h-probs.npy");
            }
            throw e;
        }
        JsonNode stats = dataset.path("statistics");
        out.printf(
                "  dataset %s: %d images, mean soft-label entropy %.4f%n",
                dataset.path("id").asText(),
                stats.path("images").asInt(),
                stats.path("meanEntropy").asDouble());
        return dataset.path("id").asText();
    }

    private String submit(StackClient results, String datasetId, PrintWriter out) {
        ObjectNode study = StackClient.json().createObjectNode();
        study.put("name", "demo " + epochs + " epochs " + limit + " images");
        study.put("datasetId", datasetId);
        ObjectNode grid = study.putObject("grid");
        grid.putArray("methods").add("basic").add("sngp");
        grid.putArray("labelModes").add("soft").add("hard");
        study.put("seeds", 1);
        ObjectNode overrides = study.putObject("overrides");
        overrides.put("epochs", epochs);
        overrides.put("warmupEpochs", Math.min(5, Math.max(1, epochs / 4)));
        overrides.putArray("milestones").add(Math.max(1, epochs * 3 / 4));
        JsonNode answer = results.post("/api/studies", study).body();
        out.printf(
                "Study %s: %d runs (basic and SNGP × soft and hard, seed 0, %d epochs)%n",
                answer.path("id").asText(), answer.path("runs").size(), epochs);
        out.flush();
        return answer.path("id").asText();
    }

    /** Prints a line whenever a run changes (status, epoch, evaluation) until every run is evaluated or ended. */
    private void follow(StackClient results, String studyId, PrintWriter out) {
        Map<String, String> last = new HashMap<>();
        Instant deadline = Instant.now().plus(Duration.ofHours(3));
        while (Instant.now().isBefore(deadline)) {
            JsonNode detail = results.get("/api/studies/" + studyId);
            boolean done = true;
            int evaluated = 0;
            List<JsonNode> runs = new java.util.ArrayList<>();
            detail.path("runs").forEach(runs::add);
            for (JsonNode run : runs) {
                String line = io.softcifar.cli.StudyCommands.runLine(run);
                String key = run.path("status").asText()
                        + run.path("epoch").asInt()
                        + run.path("evaluated").asBoolean();
                if (!key.equals(last.put(run.path("runId").asText(), key))) {
                    out.println("  " + line);
                }
                boolean ended = run.path("evaluated").asBoolean()
                        || TERMINAL.contains(run.path("status").asText());
                evaluated += run.path("evaluated").asBoolean() ? 1 : 0;
                done &= ended;
            }
            out.flush();
            if (done && !runs.isEmpty()) {
                out.printf("%s%d of %d runs evaluated%n", progressBar(evaluated, runs.size()), evaluated, runs.size());
                return;
            }
            io.softcifar.cli.DatasetCommand.sleep(2_000);
        }
        throw new IllegalStateException(
                "the demo study did not finish within 3 hours; see ./softcifar status " + studyId);
    }

    private static String progressBar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : done * width / total;
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] ";
    }
}
