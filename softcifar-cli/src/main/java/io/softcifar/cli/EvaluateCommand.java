package io.softcifar.cli;

import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.eval.EvaluationDump;
import io.softcifar.ml.eval.EvaluationInputs;
import io.softcifar.ml.eval.EvaluationOptions;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.ml.eval.Evaluator;
import io.softcifar.ml.eval.OodSets;
import io.softcifar.ml.metrics.ReliabilityBin;
import io.softcifar.ml.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "evaluate",
        sortOptions = false,
        description = {
            "Evaluate a checkpoint on its run's test split (the seeded 80/5/15 split of --data, hard labels ="
                    + " argmax of the soft label): accuracy, ECE (10 bins on the predicted confidence; the reference"
                    + " code's true-class variant as test/ece_true_class), overconfidence error, NLL, Brier, macro"
                    + " precision/recall, cross-entropy and KL to the human labels, the reliability diagram, OOD AUROC/AUPR"
                    + " (max logit, max probability, native score) and the FGSM attack decrease.",
            "OOD files are used in their official formats: SVHN test_32x32.mat, CIFAR-100 binary test.bin; a"
                    + " seeded random subset of the test split's size is drawn from each."
        })
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DIR")
    Path data;

    @Option(names = "--ood", paramLabel = "NAME=FILE[,NAME=FILE]")
    String ood;

    @Option(names = "--fgsm", split = ",", paramLabel = "EPS")
    List<Double> fgsm;

    @Option(names = "--mc-samples", defaultValue = "10", paramLabel = "S")
    int mcSamples;

    @Option(names = "--sngp-mc", defaultValue = "0", paramLabel = "N")
    int sngpMc;

    @Mixin
    DeviceOption device;

    @Option(names = "--batch-size", defaultValue = "250")
    int batchSize;

    @Option(names = "--dump", paramLabel = "DIR")
    Path dump;

    @Option(names = "--dump-inputs")
    boolean dumpInputs;

    @Option(names = "--json")
    boolean json;

    @SuppressWarnings("SystemConsoleNull") // Java 17 runtime: null console = no terminal (see ProgressBar)
    @Override
    public Integer call() {
        EvaluationOptions options = new EvaluationOptions(fgsm, mcSamples, sngpMc, device.device, batchSize);
        if (dumpInputs && dump == null) {
            throw new IllegalArgumentException("dump-inputs: needs --dump DIR (the inputs are written into the dump)");
        }
        Map<String, Path> oodFiles = OodSets.parse(ood);
        Checkpoint.readHeader(checkpoint); // a missing or foreign file fails here, before the data are read
        SoftLabelDataset dataset = Cifar10hFolder.load(data);
        Map<String, LabeledImages> oodImages = OodSets.loadAll(oodFiles);
        ProgressBar bar = new ProgressBar(System.err);
        EvaluationResult result = Evaluator.evaluate(
                checkpoint, dataset, oodImages, options, (phase, done, total) -> bar.step(phase, done, total, null));
        if (System.console() != null) {
            System.err.print("\r\u001b[K"); // erase the progress bar
            System.err.flush();
        }
        if (dump != null) {
            EvaluationDump.write(dump, result);
            if (dumpInputs) {
                EvaluationInputs.write(dump, checkpoint, dataset, oodImages, result);
            }
        }
        if (json) {
            System.out.println(Json.write(result.summary()));
        } else {
            printTable(System.out, result, dump);
        }
        return 0;
    }

    static void printTable(PrintStream out, EvaluationResult r, Path dump) {
        EvaluationResult.Info i = r.info();
        out.printf(Locale.ROOT, "checkpoint  %s%n", i.checkpoint());
        out.printf(
                Locale.ROOT,
                "model       %s, depth %d, trained on %s labels, seed %d, %d epochs (best %d)%n",
                i.method(),
                i.depth(),
                i.trainedOn(),
                i.seed(),
                i.epochsCompleted(),
                i.bestEpoch());
        StringBuilder sets = new StringBuilder();
        r.ood()
                .forEach((name, o) -> sets.append(
                        String.format(Locale.ROOT, ", %s %d of %d", name, o.indices().length, o.available())));
        out.printf(Locale.ROOT, "images      test %d%s%n", i.testCount(), sets);
        if (i.passes() > 1) {
            out.printf(Locale.ROOT, "passes      %d (MC Dropout)%n", i.passes());
        }
        for (EvaluationResult.FgsmOutcome f : r.fgsm()) {
            out.printf(
                    Locale.ROOT,
                    "fgsm        eps %s: %d correctly classified points attacked, %d flipped%n",
                    java.math.BigDecimal.valueOf(f.epsilon())
                            .stripTrailingZeros()
                            .toPlainString(),
                    f.attacked(),
                    f.flipped());
        }
        out.println();
        int width = r.metrics().metrics().keySet().stream()
                        .mapToInt(String::length)
                        .max()
                        .orElse(10)
                + 2;
        out.printf(Locale.ROOT, "%-" + width + "s%s%n", "metric", "value");
        r.metrics().metrics().forEach((name, v) -> out.printf(Locale.ROOT, "%-" + width + "s%.6f%n", name, v));
        out.println();
        out.println("reliability (test, predicted confidence)");
        out.printf(Locale.ROOT, "%-12s %6s %11s %9s%n", "bin", "count", "confidence", "accuracy");
        for (ReliabilityBin b : r.metrics().reliability()) {
            String range =
                    String.format(Locale.ROOT, "%s%.1f, %.1f]", b.index() == 0 ? "[" : "(", b.lower(), b.upper());
            if (b.count() == 0) {
                out.printf(Locale.ROOT, "%-12s %6d %11s %9s%n", range, 0, "-", "-");
            } else {
                out.printf(Locale.ROOT, "%-12s %6d %11.4f %9.4f%n", range, b.count(), b.meanConfidence(), b.accuracy());
            }
        }
        EvaluationResult.Timing t = r.timing();
        out.println();
        out.printf(
                Locale.ROOT,
                "time        %.1f s (test %.1f s at %.0f images/s, OOD %.1f s, FGSM %.1f s), device %s%n",
                t.totalSeconds(),
                t.testSeconds(),
                t.testImagesPerSecond(),
                t.oodSeconds(),
                t.fgsmSeconds(),
                i.device());
        if (dump != null) {
            out.printf(Locale.ROOT, "dump        %s (see %s)%n", dump, dump.resolve(EvaluationDump.INDEX_FILE));
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
    }
}
