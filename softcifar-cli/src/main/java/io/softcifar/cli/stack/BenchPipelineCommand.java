package io.softcifar.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.util.FileTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softcifar bench pipeline}: what the stack adds to the work. A small study goes through the local stack
 * twice — run by run on a stack whose services each get every core (the reference: the runs' own training and
 * evaluation seconds), then submitted at once on a stack with the core split under test (the runs overlap:
 * training beside evaluation) — and the second pass's wall time is set against the first's own seconds
 * ({@link PipelineFigures}).
 */
@Command(
        name = "pipeline",
        sortOptions = false,
        description = {
            "Runs a small study through the local stack (as `up`, in a fresh --home) and reports the pipeline's"
                    + " overhead: wall time from submit to the last evaluation, the runs submitted at once on a stack"
                    + " with the core split of the options (as `up` would use) ÷ the runs' own training + evaluation"
                    + " seconds, measured first run by run on a stack whose services get every core.",
            "The study: basic, dropout and SNGP on soft labels (the --data dataset, --limit images) and basic on hard"
                    + " labels evaluated on a large test set: protocol peterson with a synthetic stand-in of the"
                    + " 50,000 CIFAR-10 training images (random pixels: its accuracy means nothing, its cost is real)."
                    + " --no-large-test leaves that run on the small dataset.",
            "One earlier 1-epoch run warms the stack first (JIT, shard caches). Several minutes on a 2-core CPU."
        })
public final class BenchPipelineCommand implements Callable<Integer> {

    // each pass its own seed: the same configuration and seed would be the same run id, trained once
    private static final long SEED_WARM_UP_REFERENCE = 0;
    private static final long SEED_CONCURRENT = 1;
    private static final long SEED_SERIAL = 2;
    private static final long SEED_WARM_UP_PIPELINE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR")
    Path data;

    @Option(names = "--limit", defaultValue = "4000")
    int limit;

    @Option(names = "--epochs", defaultValue = "2")
    int epochs;

    @Option(names = "--no-large-test")
    boolean noLargeTest;

    @Option(names = "--keep-home")
    boolean keepHome;

    @Option(names = "--json")
    boolean json;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() throws IOException {
        io.softcifar.cli.Folders.require("--data", data);
        for (String file : List.of("test_batch.bin", "cifar10h-probs.npy")) {
            if (!Files.isRegularFile(data.resolve(file))) {
                throw new IllegalArgumentException(
                        "--data " + data + ": no " + file + " (a folder laid out like shared/data/cifar10h)");
            }
        }
        if (epochs < 1 || epochs > 50) {
            throw new IllegalArgumentException("--epochs must be 1 to 50, got " + epochs);
        }
        if (limit < 20 || limit > 10_000) {
            throw new IllegalArgumentException("--limit must be 20 to 10000, got " + limit);
        }
        CoreSplit pipeline = stackOptions.coreSplit(); // refuses bad thread options now, before anything is written
        boolean tempHome = stackOptions.home == null;
        if (tempHome) {
            stackOptions.home = Files.createTempDirectory("softcifar-bench-pipeline-");
        } else if (Files.isDirectory(stackOptions.home) && hasEntries(stackOptions.home)) {
            throw new IllegalArgumentException("--home " + stackOptions.home
                    + ": not empty; the bench needs a fresh stack (leave --home out for a temporary one)");
        }
        PrintWriter out = spec.commandLine().getErr();
        Path synthetic = stackOptions.home.resolve("synthetic-cifar10");
        List<Path> roots = noLargeTest ? List.of(data) : List.of(data, synthetic);
        CoreSplit reference = CoreSplit.whole(Runtime.getRuntime().availableProcessors());
        try {
            if (!noLargeTest) {
                out.println("Writing the synthetic stand-in of the 50,000 CIFAR-10 training images ...");
                out.flush();
                SyntheticCifar.write(data, synthetic);
            }
            // 1. the reference: each run alone, every core for whichever service works
            out.println("Reference stack (the runs back to back, every service every core):");
            long t0 = System.nanoTime();
            LocalStack stack = stackOptions.start(null, roots, reference, out);
            double startup;
            double importSeconds;
            double warmup;
            List<PipelineFigures.RunTimes> alone = new ArrayList<>();
            double serialWall = 0;
            List<PipelinePass.Config> configs;
            try {
                startup = PipelinePass.seconds(t0);
                Clients c = new Clients(stack, out);
                long tImport = System.nanoTime();
                String small = importDataset(c.datasets, data, null, out);
                String large = noLargeTest ? small : importDataset(c.datasets, synthetic, "peterson", out);
                importSeconds = PipelinePass.seconds(tImport);
                configs = List.of(
                        new PipelinePass.Config("basic", "soft", small),
                        new PipelinePass.Config("dropout", "soft", small),
                        new PipelinePass.Config("sngp", "soft", small),
                        new PipelinePass.Config("basic", "hard", large));
                warmup = warmUp(c, small, SEED_WARM_UP_REFERENCE, out);
                out.println("Serial pass: the runs one at a time (their own times) ...");
                out.flush();
                for (PipelinePass.Config config : configs) {
                    PipelinePass one = c.pass();
                    alone.addAll(one.submitAndWait("alone " + config.label(), List.of(config), SEED_SERIAL, epochs));
                    serialWall += one.wallSeconds;
                }
            } finally {
                stack.close();
            }

            // 2. the pipeline: the same runs submitted at once, on a stack with the core split under test
            out.println("Pipeline stack (the core split under test):");
            stack = stackOptions.start(null, roots, pipeline, out);
            PipelinePass concurrent;
            List<PipelineFigures.RunTimes> together;
            try {
                Clients c = new Clients(stack, out);
                warmUp(c, configs.get(0).datasetId(), SEED_WARM_UP_PIPELINE, out);
                out.printf("Concurrent pass: %d runs, %d epochs, submitted at once ...%n", configs.size(), epochs);
                out.flush();
                concurrent = c.pass();
                together = concurrent.submitAndWait("together", configs, SEED_CONCURRENT, epochs);
            } finally {
                stack.close();
            }
            PipelineFigures figures = new PipelineFigures(
                    reference,
                    pipeline,
                    startup,
                    importSeconds,
                    warmup,
                    concurrent.wallSeconds,
                    serialWall,
                    alone,
                    together,
                    concurrent.firstRunningSeconds,
                    concurrent.firstEpochSeconds);
            PrintWriter report = spec.commandLine().getOut();
            if (json) {
                report.println(StackClient.json().writeValueAsString(figures.json()));
            } else {
                figures.print(report);
            }
            report.flush();
            return 0;
        } finally {
            if (tempHome && !keepHome) {
                FileTrees.deleteQuietly(stackOptions.home);
            }
        }
    }

    /** The dataset-service, results-service, trainer and evaluator of a running stack. */
    private static final class Clients {
        final StackClient datasets;
        final StackClient results;
        final StackClient trainer;
        final StackClient evaluations;
        final PrintWriter out;

        Clients(LocalStack stack, PrintWriter out) {
            Map<String, String> urls = stack.urls();
            this.datasets = new StackClient(urls.get("dataset-service"), "dataset-service");
            this.results = new StackClient(urls.get("results-service"), "results-service");
            this.trainer = new StackClient(urls.get("trainer-service"), "trainer-service");
            this.evaluations = new StackClient(urls.get("evaluator-service"), "evaluator-service");
            this.out = out;
        }

        PipelinePass pass() {
            return new PipelinePass(results, trainer, evaluations, out);
        }
    }

    /** One 1-epoch run through a fresh stack (JIT, engine start, shard caches); its seconds. */
    private static double warmUp(Clients c, String datasetId, long seed, PrintWriter out) {
        out.println("Warm-up: one 1-epoch run ...");
        out.flush();
        long t = System.nanoTime();
        c.pass().submitAndWait("warm-up", List.of(new PipelinePass.Config("basic", "soft", datasetId)), seed, 1);
        return PipelinePass.seconds(t);
    }

    private String importDataset(StackClient datasets, Path dir, String protocol, PrintWriter out) {
        ObjectNode body = StackClient.json().createObjectNode();
        body.put("limit", limit);
        body.putArray("seeds").add(0).add(1).add(2).add(3); // one per pass (SEED_*)
        body.putObject("sources").put("dir", dir.toAbsolutePath().normalize().toString());
        if (protocol != null) {
            body.put("protocol", protocol);
        }
        body.putArray("oodSets");
        out.printf("Importing %s%s ...%n", dir, protocol == null ? "" : " (protocol " + protocol + ")");
        out.flush();
        JsonNode dataset = io.softcifar.cli.DatasetCommand.importDataset(datasets, body);
        return dataset.path("id").asText();
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }
}
