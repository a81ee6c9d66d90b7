package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.TrainingBenchmark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"ResNet-20 training images/s of the project's own training step (batch 128, fp32, warm-up"
                + " excluded) on the current device, and, side by side in the same run, the PyTorch eager peer"
                + " (bench/pytorch_resnet20_train.py) when a python3 with torch is available."})
final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--method", defaultValue = "basic", description = "basic, dropout, sngp or duq (default ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--batch", defaultValue = "128")
    int batch;

    @Option(names = "--warmup", defaultValue = "20", description = "untimed steps first (default ${DEFAULT-VALUE}: the JIT needs them)")
    int warmup;

    @Option(names = "--steps", defaultValue = "30", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--device", defaultValue = "cpu")
    String device;

    @Option(names = "--augment", description = "also time the step with the on-device augmentation chain")
    boolean augment;

    @Option(names = "--no-peer", description = "skip the PyTorch eager peer")
    boolean noPeer;

    @Option(names = "--python", description = "python with torch for the peer (default: /usr/bin/python3 if present, else python3)")
    String python;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (batch < 2 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--batch must be >= 2, --steps >= 1, --warmup >= 0");
        }
        Method m = Method.parse(method);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("machine", machine());
        TrainingBenchmark.Result own = TrainingBenchmark.run(new TrainingBenchmark.Settings(m, batch, warmup, steps, false, device));
        out.put("softcifar", own);
        if (augment) {
            out.put("softcifar_with_augmentation",
                    TrainingBenchmark.run(new TrainingBenchmark.Settings(m, batch, warmup, steps, true, device)));
        }
        Double peer = null;
        Double peerFast = null;
        String preload = System.getenv("LD_PRELOAD");
        if (!noPeer && m == Method.BASIC) {
            // the peer as Debian's python3 runs it (glibc malloc), and with the same allocator as ours
            Map<String, Object> peerResult = runPeer(null);
            out.put("pytorch_eager", peerResult);
            if (peerResult.get("images_per_second") instanceof Number n) {
                peer = n.doubleValue();
                out.put("ratio_vs_pytorch_eager", own.imagesPerSecond() / peer);
            }
            if (preload != null && !preload.isBlank()) {
                Map<String, Object> fast = runPeer(preload);
                out.put("pytorch_eager_same_allocator", fast);
                if (fast.get("images_per_second") instanceof Number n) {
                    peerFast = n.doubleValue();
                    out.put("ratio_vs_pytorch_eager_same_allocator", own.imagesPerSecond() / peerFast);
                }
            }
        }
        if (json) {
            System.out.println(Json.write(out));
        } else {
            System.out.printf(Locale.ROOT, "soft-cifar %s train step: %.1f images/s (batch %d, %d threads, %s, allocator %s)%n",
                    m.id(), own.imagesPerSecond(), batch, own.threads(), own.device(),
                    own.fastAllocator() ? "tcmalloc/jemalloc" : "glibc (slow: see README)");
            if (out.get("softcifar_with_augmentation") instanceof TrainingBenchmark.Result a) {
                System.out.printf(Locale.ROOT, "  with on-device augmentation: %.1f images/s%n", a.imagesPerSecond());
            }
            if (peer != null) {
                System.out.printf(Locale.ROOT, "PyTorch eager peer (glibc malloc): %.1f images/s; ratio soft-cifar / PyTorch = %.2f%n",
                        peer, own.imagesPerSecond() / peer);
                if (peerFast != null) {
                    System.out.printf(Locale.ROOT, "PyTorch eager peer (LD_PRELOAD=%s): %.1f images/s; ratio = %.2f%n",
                            preload, peerFast, own.imagesPerSecond() / peerFast);
                }
            } else if (out.get("pytorch_eager") instanceof Map<?, ?> p) {
                System.out.println("PyTorch eager peer: not run (" + p.get("error") + ")");
            }
        }
        return 0;
    }

    /** Runs the peer script; {@code preload} is its LD_PRELOAD (null: none, whatever this JVM has). */
    private Map<String, Object> runPeer(String preload) {
        Map<String, Object> result = new LinkedHashMap<>();
        Path script = Path.of(System.getProperty("softcifar.home", "."), "bench", "pytorch_resnet20_train.py");
        if (!Files.isRegularFile(script)) {
            result.put("error", script + " not found");
            return result;
        }
        if (python == null) {
            python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--batch", Integer.toString(batch),
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps)));
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(false);
            if (preload == null) {
                builder.environment().remove("LD_PRELOAD");
            } else {
                builder.environment().put("LD_PRELOAD", preload);
            }
            Process p = builder.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                String last = stderr.isEmpty() ? "exit " + p.exitValue() : stderr.lines().reduce((a, b) -> b).orElse("");
                result.put("error", python + " failed: " + last + " (install python3-torch, or pass --python)");
                return result;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = Json.MAPPER.readValue(stdout.lines().reduce((a, b) -> b).orElse("{}"), Map.class);
            return parsed;
        } catch (IOException e) {
            result.put("error", "cannot run " + python + ": " + e.getMessage());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.put("error", "interrupted");
            return result;
        }
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep the generic name
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB JVM heap max";
    }
}
