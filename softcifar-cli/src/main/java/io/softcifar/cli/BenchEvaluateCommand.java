package io.softcifar.cli;

import io.softcifar.ml.eval.EvaluationBenchmark;
import io.softcifar.ml.eval.EvaluationResult;
import java.time.LocalDate;
import java.util.LinkedHashMap;
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
            "Evaluation speed of ResNet-20 (random weights, synthetic images) on the current device:"
                    + " images/s of plain inference, MC Dropout (S passes) and FGSM, and the wall time of the full metric set"
                    + " (./softcifar evaluate's computation) for --test test + --ood OOD images."
        })
final class BenchEvaluateCommand implements Callable<Integer> {

    @Mixin
    DeviceOption device;

    @Option(names = "--test", defaultValue = "1500")
    int test;

    @Option(names = "--ood", defaultValue = "1500")
    int ood;

    @Option(names = "--images", defaultValue = "1500")
    int images;

    @Option(names = "--fgsm-images", defaultValue = "512")
    int fgsmImages;

    @Option(names = "--batch", defaultValue = "250")
    int batch;

    @Option(names = "--mc-samples", defaultValue = "10")
    int mcSamples;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        EvaluationBenchmark.Result r = EvaluationBenchmark.run(
                new EvaluationBenchmark.Settings(device.device, test, ood, images, fgsmImages, batch, mcSamples));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("date", LocalDate.now(java.time.ZoneId.systemDefault()).toString());
            out.put("machine", BenchTrainCommand.machine());
            out.put("softcifar", r);
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.printf(
                Locale.ROOT,
                "ResNet-20 evaluation on %s (%d threads, allocator %s)%n",
                r.device(),
                r.threads(),
                r.fastAllocator() ? "tcmalloc/jemalloc" : "glibc (slow: see README)");
        System.out.printf(
                Locale.ROOT,
                "  plain inference        %8.1f images/s (batch %d)%n",
                r.inferenceImagesPerSecond(),
                batch);
        System.out.printf(
                Locale.ROOT, "  MC Dropout, S = %-3d    %8.1f images/s%n", mcSamples, r.mcDropoutImagesPerSecond());
        System.out.printf(
                Locale.ROOT,
                "  FGSM (basic)           %8.1f images/s (gradient + attack + re-prediction)%n",
                r.fgsmImagesPerSecond());
        System.out.printf(
                Locale.ROOT,
                "  FGSM (MC Dropout, S = %d) %5.1f images/s%n",
                mcSamples,
                r.fgsmMcDropoutImagesPerSecond());
        EvaluationResult.Timing t = r.fullMetricSetTiming();
        System.out.printf(
                Locale.ROOT,
                "  full metric set        %8.1f s for %d test + %d OOD images (%d metrics; test %.1f s,"
                        + " OOD %.1f s, FGSM %.1f s on all %d test points, metrics %.2f s)%n",
                r.fullMetricSetSeconds(),
                test,
                ood,
                r.metricCount(),
                t.testSeconds(),
                t.oodSeconds(),
                t.fgsmSeconds(),
                test,
                t.metricSeconds());
        return 0;
    }
}
