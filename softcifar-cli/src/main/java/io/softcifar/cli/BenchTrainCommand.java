package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        sortOptions = false,
        description = {
            "ResNet-20 training images/s of the project's own training step (fp32, warm-up excluded) on the"
                    + " current device and, interleaved with it in the same run, of the PyTorch eager peer"
                    + " (bench/pytorch_resnet20_train.py: the same step for each method, same thread count, same allocator)"
                    + " when a python3 with torch is available. Each (method, batch) cell is measured --rounds times,"
                    + " alternating ours and the peer's; the median and the spread (min-max) are reported."
        })
final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--method", defaultValue = "basic", split = ",")
    List<String> methods;

    @Option(names = "--batch", defaultValue = "128", split = ",")
    List<Integer> batches;

    @Option(names = "--rounds", defaultValue = "3")
    int rounds;

    @Option(names = "--warmup", defaultValue = "20")
    int warmup;

    @Option(names = "--steps", defaultValue = "30")
    int steps;

    @Mixin
    PrecisionOption precision;

    @Mixin
    DeviceOption device;

    @Option(names = "--augment")
    boolean augment;

    @Option(names = "--reference-sgd")
    boolean referenceSgd;

    @Option(names = "--profile")
    Path profileDir;

    @Mixin
    PeerOptions peer;

    @Option(names = "--concurrent", split = ",")
    List<Integer> concurrent;

    @Option(names = "--json")
    boolean json;

    /** Median, minimum and maximum of one side's images/s over the rounds. */
    record Figures(double imagesPerSecond, double min, double max, List<Double> rounds) {
        static Figures of(List<Double> values) {
            if (values.isEmpty()) {
                return null;
            }
            double[] sorted =
                    values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Figures(medianOfSorted(sorted), sorted[0], sorted[sorted.length - 1], List.copyOf(values));
        }

        /** The median of a non-empty list (the mean of the middle two for an even count). */
        static double median(List<Double> values) {
            return medianOfSorted(
                    values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }

        private static double medianOfSorted(double[] sorted) {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0 || rounds < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, --warmup >= 0, --rounds >= 1");
        }
        if (batches.stream().anyMatch(b -> b < 2)) {
            throw new IllegalArgumentException("--batch: every batch size must be >= 2, got " + batches);
        }
        Precision chosen = precision.value();
        boolean bf16 = chosen == Precision.BF16;
        if (concurrent != null) {
            return concurrentRuns(bf16); // refuses --profile before any directory is made
        }
        if (profileDir != null) {
            // before the measurements, so that a bad directory does not cost a whole run
            if (Files.exists(profileDir) && !Files.isDirectory(profileDir)) {
                throw new IllegalArgumentException("--profile: " + profileDir + " exists and is not a directory");
            }
            Files.createDirectories(profileDir);
        }
        List<Method> selected = selectedMethods();
        String preload = System.getenv("LD_PRELOAD");
        BenchTrainSides sides = new BenchTrainSides(warmup, steps, device.device, chosen, peer);
        BenchTrainRounds comparison = new BenchTrainRounds(sides, rounds, augment, referenceSgd, preload);
        List<BenchTrainRounds.Cell> cells = new ArrayList<>();
        int threads = 0;
        for (Method m : selected) {
            for (int batch : batches) {
                BenchTrainRounds.Measured measured = comparison.measure(m, batch);
                cells.add(measured.cell());
                threads = measured.threads();
            }
        }
        List<Map<String, Object>> profiles = profileDir == null
                ? List.of()
                : BenchTrainProfile.profile(sides, profileDir, selected, batches, steps, peer.noPeer, threads, preload);
        Map<String, Object> out = header(threads, preload);
        out.put("bf16Accelerated", BenchMachine.bf16Accelerated());
        out.put("rounds", rounds);
        out.put("cells", cells);
        if (!profiles.isEmpty()) {
            out.put("profiles", profiles);
        }
        if (json) {
            System.out.println(Json.write(out));
            return 0;
        }
        BenchTrainReport.print(threads, BenchMachine.allocator(preload), rounds, bf16, cells, profiles);
        return 0;
    }

    /** The methods of {@code --method}: a comma list of ids, or all. */
    private List<Method> selectedMethods() {
        return methods.size() == 1 && methods.get(0).equals("all")
                ? Arrays.asList(Method.values())
                : methods.stream().map(Method::parse).toList();
    }

    /** The first fields of the JSON output: when, where, how many threads, which allocator. */
    private static Map<String, Object> header(int threads, String preload) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now(java.time.ZoneId.systemDefault()).toString());
        out.put("machine", BenchMachine.describe());
        out.put("threads", threads);
        out.put("allocator", BenchMachine.allocator(preload));
        return out;
    }

    /** {@code --concurrent}: K runs at once in this process instead of the side-by-side comparison with the peer. */
    private int concurrentRuns(boolean bf16) {
        if (concurrent.isEmpty() || concurrent.stream().anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException("--concurrent: every K must be >= 1, got " + concurrent);
        }
        if (bf16 || profileDir != null || augment || referenceSgd) {
            throw new IllegalArgumentException(
                    "--concurrent measures fp32 training only; drop --precision bf16, --profile, --augment and"
                            + " --reference-sgd");
        }
        List<Method> selected = selectedMethods();
        int threads = io.softcifar.ml.train.EngineSetup.threads();
        List<BenchConcurrentRuns.Cell> cells =
                BenchConcurrentRuns.measure(selected, batches, concurrent, rounds, warmup, steps, device.device);
        String preload = System.getenv("LD_PRELOAD");
        Map<String, Object> out = header(threads, preload);
        out.put("rounds", rounds);
        out.put("concurrent", cells);
        if (json) {
            System.out.println(Json.write(out));
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "%s; %d threads shared by the K runs; allocator %s; %d rounds; aggregate median [min-max]%n",
                    BenchMachine.describe(),
                    threads,
                    out.get("allocator"),
                    rounds);
            BenchConcurrentRuns.print(cells);
        }
        return 0;
    }

    /** A side's figures as "median [min-max]" images/s, or "-" for none. */
    static String format(Figures f) {
        return f == null ? "-" : String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", f.imagesPerSecond(), f.min(), f.max());
    }

    /** A line of progress on stderr. */
    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }
}
