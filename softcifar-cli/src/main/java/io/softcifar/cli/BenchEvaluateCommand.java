package io.softcifar.cli;

import io.softcifar.ml.eval.EvaluationBenchmark;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "evaluate",
        sortOptions = false,
        description = {
            "Evaluation speed of ResNet-20 (random weights, synthetic images) on the current device:"
                    + " images/s of plain inference, MC Dropout (S passes) and FGSM, and the full metric set"
                    + " (./softcifar evaluate's computation) of each --full method for --test test + --ood OOD images,"
                    + " as test images/s of the whole. Every rate is measured --rounds times, alternating with the"
                    + " PyTorch eager peer (bench/pytorch_resnet20_evaluate.py: the same work, same thread count and"
                    + " allocator), and reported as median [min-max] with ratio_vs_pytorch."
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

    @Option(names = "--rounds", defaultValue = "3")
    int rounds;

    @Option(names = "--full", defaultValue = "basic,dropout,sngp", split = ",", paramLabel = "METHOD")
    List<String> full;

    @Mixin
    PeerOptions peer;

    @Mixin
    PrecisionOption precision;

    @Option(names = "--json")
    boolean json;

    /** A rate measured on both sides: the name reported, the peer's JSON key and our result's figure. */
    private record Measured(String id, String peerKey, ToDoubleFunction<EvaluationBenchmark.Result> own) {}

    private static final Measured INFERENCE = new Measured(
            "inference", "inference_images_per_second", EvaluationBenchmark.Result::inferenceImagesPerSecond);

    private static final List<Measured> MEASURED = List.of(
            INFERENCE,
            new Measured(
                    "mcDropout", "mc_dropout_images_per_second", EvaluationBenchmark.Result::mcDropoutImagesPerSecond),
            new Measured("fgsm", "fgsm_images_per_second", EvaluationBenchmark.Result::fgsmImagesPerSecond),
            new Measured(
                    "fgsmMcDropout",
                    "fgsm_mc_dropout_images_per_second",
                    EvaluationBenchmark.Result::fgsmMcDropoutImagesPerSecond));

    /** The rate of the full metric set of {@code method}: test images per second of the whole evaluation. */
    private static Measured fullMetricSet(Method method) {
        String name = method.id().substring(0, 1).toUpperCase(Locale.ROOT)
                + method.id().substring(1);
        return new Measured(
                "full" + name,
                "full_" + method.id() + "_images_per_second",
                r -> r.fullMetricSet(method).testImagesPerSecond());
    }

    /** One measured rate: ours and the peer's over the rounds (median [min-max]), and their ratio. */
    record Rate(
            String name,
            BenchTrainCommand.Figures softcifar,
            BenchTrainCommand.Figures pytorch,
            Double ratio_vs_pytorch) {}

    @Override
    public Integer call() {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        List<Method> methods = full.stream().map(Method::parse).distinct().toList();
        EvaluationBenchmark.Settings settings = new EvaluationBenchmark.Settings(
                device.device, test, ood, images, fgsmImages, batch, mcSamples, methods, precision.value());
        List<Measured> measured = new ArrayList<>(MEASURED);
        methods.forEach(m -> measured.add(fullMetricSet(m)));
        String preload = System.getenv("LD_PRELOAD");
        List<EvaluationBenchmark.Result> results = new ArrayList<>();
        List<Map<String, Object>> peers = new ArrayList<>();
        String peerError = peer.initialError();
        for (int round = 0; round < rounds; round++) {
            EvaluationBenchmark.Result own = EvaluationBenchmark.run(settings);
            results.add(own);
            if (peerError == null) {
                Map<String, Object> p = PeerScript.run(
                        peer.python(),
                        "pytorch_resnet20_evaluate.py",
                        List.of(
                                "--images",
                                Integer.toString(images),
                                "--fgsm-images",
                                Integer.toString(fgsmImages),
                                "--batch",
                                Integer.toString(batch),
                                "--mc-samples",
                                Integer.toString(mcSamples),
                                "--full",
                                String.join(
                                        ",", methods.stream().map(Method::id).toList()),
                                "--test",
                                Integer.toString(test),
                                "--ood",
                                Integer.toString(ood),
                                "--precision",
                                precision.id()),
                        own.threads(),
                        preload);
                if (p.containsKey("error")) {
                    peerError = String.valueOf(p.get("error"));
                } else {
                    peers.add(p);
                }
            }
            System.err.printf(
                    Locale.ROOT,
                    "round %d/%d: inference ours %.1f, peer %s images/s%n",
                    round + 1,
                    rounds,
                    own.inferenceImagesPerSecond(),
                    peers.size() == round + 1 ? peers.get(round).get(INFERENCE.peerKey()) : "-");
        }
        List<Rate> rates = new ArrayList<>();
        for (Measured m : measured) {
            BenchTrainCommand.Figures ours = BenchTrainCommand.Figures.of(
                    results.stream().map(r -> m.own().applyAsDouble(r)).toList());
            BenchTrainCommand.Figures theirs = BenchTrainCommand.Figures.of(peers.stream()
                    .map(p -> ((Number) p.get(m.peerKey())).doubleValue())
                    .toList());
            rates.add(new Rate(
                    m.id(), ours, theirs, theirs == null ? null : ours.imagesPerSecond() / theirs.imagesPerSecond()));
        }
        EvaluationBenchmark.Result r = results.get(results.size() - 1);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("date", LocalDate.now(java.time.ZoneId.systemDefault()).toString());
            out.put("machine", BenchMachine.describe());
            out.put("rounds", rounds);
            out.put("precision", precision.id());
            out.put("bf16Accelerated", BenchMachine.bf16Accelerated());
            out.put("allocator", BenchMachine.allocator(preload));
            out.put("rates", rates);
            out.put("peerBlas", peers.isEmpty() ? null : peers.get(0).get("blas"));
            out.put("peerError", peerError);
            out.put("softcifar", r);
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.printf(
                Locale.ROOT,
                "%s images/s, median [min-max] of %d alternating rounds; PyTorch eager peer (bench/%s): %s%n",
                precision.value() == Precision.BF16
                        ? "bf16 (ours: convolutions; the peer: the backbone under autocast; " + BenchMachine.bf16Note()
                                + ")"
                        : "fp32",
                rounds,
                "pytorch_resnet20_evaluate.py",
                peerError == null
                        ? "same threads and allocator, BLAS " + peers.get(0).get("blas")
                        : peerError);
        for (Rate rate : rates) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-15s ours %-24s PyTorch %-24s ratio %s%n",
                    rate.name(),
                    BenchTrainCommand.format(rate.softcifar()),
                    BenchTrainCommand.format(rate.pytorch()),
                    rate.ratio_vs_pytorch() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", rate.ratio_vs_pytorch()));
        }
        System.out.println("last round in detail:");
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
        for (EvaluationBenchmark.FullMetricSet f : r.fullMetricSets()) {
            EvaluationResult.Timing t = f.timing();
            System.out.printf(
                    Locale.ROOT,
                    "  full metric set, %-7s %6.1f s for %d test + %d OOD images (%d metrics; test %.1f s,"
                            + " OOD %.1f s, FGSM %.1f s on the correct test points, metrics %.2f s)%n",
                    f.method(),
                    f.seconds(),
                    test,
                    ood,
                    f.metricCount(),
                    t.testSeconds(),
                    t.oodSeconds(),
                    t.fgsmSeconds(),
                    t.metricSeconds());
        }
        return 0;
    }
}
