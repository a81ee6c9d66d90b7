package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.NesterovSgd;
import io.softcifar.ml.train.TrainingBenchmark;
import java.io.IOException;
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

    @Option(names = "--precision", defaultValue = "fp32")
    String precision;

    @Mixin
    DeviceOption device;

    @Option(names = "--augment")
    boolean augment;

    @Option(names = "--reference-sgd")
    boolean referenceSgd;

    @Option(names = "--profile")
    Path profileDir;

    @Option(names = "--no-peer")
    boolean noPeer;

    @Option(names = "--python")
    String python;

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

    /** One (method, batch) cell. */
    record Cell(
            String method,
            int batch,
            String precision,
            Figures softcifar,
            Figures pytorch,
            Double ratio_vs_pytorch,
            String peerError,
            Figures softcifarWithAugmentation,
            Figures softcifarPerTensorSgd,
            Map<String, Double> softcifarMillisecondsPerStep,
            Map<String, Double> pytorchMillisecondsPerStep) {}

    /** Per phase, the median over the rounds of the milliseconds a step spent in it (null without rounds). */
    static Map<String, Double> medianPhases(List<Map<String, Double>> rounds) {
        if (rounds.isEmpty()) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String phase : rounds.get(0).keySet()) {
            List<Double> values = rounds.stream()
                    .map(r -> r.get(phase))
                    .filter(java.util.Objects::nonNull)
                    .toList();
            out.put(phase, Math.round(Figures.median(values) * 1000) / 1000.0);
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0 || rounds < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, --warmup >= 0, --rounds >= 1");
        }
        if (batches.stream().anyMatch(b -> b < 2)) {
            throw new IllegalArgumentException("--batch: every batch size must be >= 2, got " + batches);
        }
        if (!precision.equals("fp32") && !precision.equals("bf16")) {
            throw new IllegalArgumentException("--precision must be fp32 or bf16, got " + precision);
        }
        boolean bf16 = precision.equals("bf16");
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
        if (bf16 && noPeer) {
            throw new IllegalArgumentException(
                    "--precision bf16 measures only the peer (no bf16 mode of our own yet);" + " drop --no-peer");
        }
        List<Method> selected = selectedMethods();
        String preload = System.getenv("LD_PRELOAD");
        List<Cell> cells = new ArrayList<>();
        int threads = 0;
        for (Method m : selected) {
            for (int batch : batches) {
                List<Double> own = new ArrayList<>();
                List<Double> peer = new ArrayList<>();
                List<Double> augmented = new ArrayList<>();
                List<Double> perTensor = new ArrayList<>();
                List<Map<String, Double>> ownPhases = new ArrayList<>();
                List<Map<String, Double>> peerPhases = new ArrayList<>();
                String peerError = noPeer ? "not run (--no-peer)" : null;
                for (int r = 0; r < rounds; r++) {
                    if (!bf16) {
                        TrainingBenchmark.Result result = ours(m, batch, steps, false, NesterovSgd.Kernel.FUSED, null);
                        threads = result.threads();
                        own.add(result.imagesPerSecond());
                        ownPhases.add(result.millisecondsPerStep());
                        if (augment) {
                            augmented.add(ours(m, batch, steps, true, NesterovSgd.Kernel.FUSED, null)
                                    .imagesPerSecond());
                        }
                        if (referenceSgd) {
                            perTensor.add(ours(m, batch, steps, false, NesterovSgd.Kernel.PER_TENSOR, null)
                                    .imagesPerSecond());
                        }
                    }
                    if (peerError == null) {
                        Map<String, Object> p = runPeer(m, batch, threads, preload);
                        if (p.get("images_per_second") instanceof Number n) {
                            peer.add(n.doubleValue());
                            if (p.get("milliseconds_per_step") instanceof Map<?, ?> phases) {
                                Map<String, Double> ms = new LinkedHashMap<>();
                                phases.forEach((k, v) -> ms.put(String.valueOf(k), ((Number) v).doubleValue()));
                                peerPhases.add(ms);
                            }
                        } else {
                            peerError = String.valueOf(p.get("error"));
                        }
                    }
                    progress(
                            "%s batch %d round %d/%d: ours %s, peer %s",
                            m.id(),
                            batch,
                            r + 1,
                            rounds,
                            own.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", own.get(own.size() - 1)),
                            peer.size() == r + 1 ? String.format(Locale.ROOT, "%.1f", peer.get(r)) : "-");
                }
                Figures ours = Figures.of(own);
                Figures theirs = Figures.of(peer);
                Double ratio =
                        ours != null && theirs != null ? ours.imagesPerSecond() / theirs.imagesPerSecond() : null;
                cells.add(new Cell(
                        m.id(),
                        batch,
                        precision,
                        ours,
                        theirs,
                        ratio,
                        peerError,
                        Figures.of(augmented),
                        Figures.of(perTensor),
                        medianPhases(ownPhases),
                        medianPhases(peerPhases)));
            }
        }
        List<Map<String, Object>> profiles = profileDir == null ? List.of() : profile(selected, threads, preload);
        Map<String, Object> out = header(threads, preload);
        out.put("bf16Accelerated", bf16Accelerated());
        out.put("rounds", rounds);
        out.put("cells", cells);
        if (!profiles.isEmpty()) {
            out.put("profiles", profiles);
        }
        if (json) {
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.printf(
                Locale.ROOT,
                "%s; %d threads; allocator %s; %d rounds, alternating; images/s median [min-max]%n",
                machine(),
                threads,
                out.get("allocator"),
                rounds);
        if (bf16) {
            System.out.println("bf16: "
                    + (bf16Accelerated()
                            ? "this CPU has AVX-512 BF16/AMX"
                            : "this CPU has no" + " AVX-512 BF16/AMX: bf16 is emulated here, not accelerated")
                    + "; soft-cifar has no bf16 mode yet");
        }
        System.out.printf(
                Locale.ROOT, "%-8s %5s  %-26s %-26s %s%n", "method", "batch", "soft-cifar", "PyTorch eager", "ratio");
        for (Cell c : cells) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %5d  %-26s %-26s %s%n",
                    c.method(),
                    c.batch(),
                    format(c.softcifar()),
                    c.pytorch() == null ? c.peerError() : format(c.pytorch()),
                    c.ratio_vs_pytorch() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.ratio_vs_pytorch()));
            if (c.softcifarWithAugmentation() != null) {
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %5s  with on-device augmentation: %s%n",
                        "",
                        "",
                        format(c.softcifarWithAugmentation()));
            }
            if (c.softcifarPerTensorSgd() != null) {
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %5s  with the per-tensor (unfused) optimizer update: %s%n",
                        "",
                        "",
                        format(c.softcifarPerTensorSgd()));
            }
            if (c.softcifarMillisecondsPerStep() != null) {
                System.out.printf(
                        Locale.ROOT, "%-8s %5s  ms a step, ours:  %s%n", "", "", c.softcifarMillisecondsPerStep());
            }
            if (c.pytorchMillisecondsPerStep() != null) {
                System.out.printf(
                        Locale.ROOT, "%-8s %5s  ms a step, peer's: %s%n", "", "", c.pytorchMillisecondsPerStep());
            }
        }
        for (Map<String, Object> p : profiles) {
            System.out.printf(
                    Locale.ROOT,
                    "%nprofile %s batch %s (inclusive ms a step; traces %s, %s)%n",
                    p.get("method"),
                    p.get("batch"),
                    p.get("softcifarTrace"),
                    p.get("pytorchTrace"));
            System.out.printf(Locale.ROOT, "  %-60s %10s %10s%n", "operator", "soft-cifar", "PyTorch");
            @SuppressWarnings("unchecked")
            Map<String, List<Double>> ops = (Map<String, List<Double>>) p.get("operators");
            ops.forEach(
                    (name, v) -> System.out.printf(Locale.ROOT, "  %-60s %10.2f %10.2f%n", name, v.get(0), v.get(1)));
        }
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
        out.put("machine", machine());
        out.put("threads", threads);
        out.put("allocator", preload == null || preload.isBlank() ? "glibc" : preload);
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
                    machine(),
                    threads,
                    out.get("allocator"),
                    rounds);
            BenchConcurrentRuns.print(cells);
        }
        return 0;
    }

    /**
     * One more run per cell on each side with libtorch's operator profiler on (not timed: the profiler slows the
     * step), written as Chrome traces into {@code --profile} and summed per operator side by side.
     */
    private List<Map<String, Object>> profile(List<Method> selected, int threads, String preload) throws IOException {
        int profiled = Math.min(steps, 5);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Method m : selected) {
            for (int batch : batches) {
                Path oursTrace = profileDir.resolve("softcifar-" + m.id() + "-" + batch + ".json");
                Path peerTrace = profileDir.resolve("pytorch-" + m.id() + "-" + batch + ".json");
                progress("%s batch %d: profiling %d steps on each side", m.id(), batch, profiled);
                ours(m, batch, profiled, false, NesterovSgd.Kernel.FUSED, oursTrace);
                Map<String, Double> peerOps = Map.of();
                if (!noPeer) {
                    Map<String, Object> p = runPeer(m, batch, threads, preload, profiled, peerTrace);
                    if (p.containsKey("error")) {
                        throw new IllegalStateException("--profile: the peer failed: " + p.get("error"));
                    }
                    peerOps = ChromeTraces.millisecondsPerStep(peerTrace, profiled);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("method", m.id());
                entry.put("batch", batch);
                entry.put("steps", profiled);
                entry.put("softcifarTrace", oursTrace.toString());
                entry.put("pytorchTrace", noPeer ? null : peerTrace.toString());
                entry.put(
                        "operators",
                        ChromeTraces.sideBySide(ChromeTraces.millisecondsPerStep(oursTrace, profiled), peerOps, 15));
                out.add(entry);
            }
        }
        return out;
    }

    /** One measurement of our step with this command's warm-up and device. */
    private TrainingBenchmark.Result ours(
            Method m, int batch, int timedSteps, boolean withAugmentation, NesterovSgd.Kernel kernel, Path trace) {
        return TrainingBenchmark.run(new TrainingBenchmark.Settings(
                m, batch, warmup, timedSteps, withAugmentation, device.device, kernel, trace));
    }

    static String format(Figures f) {
        return f == null ? "-" : String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", f.imagesPerSecond(), f.min(), f.max());
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }

    /** True when /proc/cpuinfo lists avx512_bf16 or amx_bf16. */
    static boolean bf16Accelerated() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> l.contains(" avx512_bf16") || l.contains(" amx_bf16"))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs the peer script once with the same method, batch, steps and thread count as ours ({@code threads} 0: let
     * it choose), and the same allocator ({@code preload}, this JVM's LD_PRELOAD).
     */
    private Map<String, Object> runPeer(Method m, int batch, int threads, String preload) {
        return runPeer(m, batch, threads, preload, steps, null);
    }

    /** As above with {@code timedSteps} steps, and torch.profiler's trace written to {@code trace} unless null. */
    private Map<String, Object> runPeer(Method m, int batch, int threads, String preload, int timedSteps, Path trace) {
        if (python == null) {
            python = PeerScript.defaultPython();
        }
        List<String> args = new ArrayList<>(List.of(
                "--method",
                m.id(),
                "--precision",
                precision,
                "--batch",
                Integer.toString(batch),
                "--warmup",
                Integer.toString(warmup),
                "--steps",
                Integer.toString(timedSteps)));
        if (trace != null) {
            args.addAll(List.of("--profile", trace.toAbsolutePath().toString()));
        }
        return PeerScript.run(python, "pytorch_resnet20_train.py", args, threads, preload);
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep the generic name
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB JVM heap max";
    }
}
