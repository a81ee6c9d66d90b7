package io.softcifar.ml.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place that starts the PyTorch engine with the project's settings: offline natives from the Maven jars,
 * intra-op threads = available cores, one inter-op thread (the training loop is a single chain of ops, extra
 * inter-op threads only add contention on 2 cores).
 *
 * <p>It also warns when the process runs on glibc's malloc: PyTorch frees and re-allocates multi-megabyte activation
 * buffers every step, and in a JVM glibc returns them to the kernel each time, so every step pays page faults
 * (measured here: a 128×16×32×32 convolution 75 ms with glibc vs 6 ms with tcmalloc, and ResNet-20 training ~145
 * vs ~520 images/s). {@code ./softcifar} and the test JVMs preload tcmalloc when it is installed.
 */
public final class EngineSetup {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);
    private static volatile Engine engine;

    private EngineSetup() {}

    public static synchronized Engine engine() {
        if (engine == null) {
            System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
            Engine e;
            try {
                e = Engine.getEngine("PyTorch");
            } catch (RuntimeException failed) {
                String flavour = nativeFlavour();
                throw new IllegalStateException(
                        "the PyTorch engine did not start with the " + flavour + " natives ("
                                + failed.getMessage() + ")"
                                + (flavour.startsWith("cu")
                                        ? "; a -Pcuda build needs an NVIDIA GPU and a CUDA 12.4-capable driver: on a machine"
                                                + " without one, build without -Pcuda (./mvnw package)"
                                        : ""),
                        failed);
            }
            JniUtils.setNumThreads(threads());
            if (JniUtils.getNumInteropThreads() != 1) {
                try {
                    JniUtils.setNumInteropThreads(1);
                } catch (RuntimeException alreadyStarted) {
                    LOG.debug("inter-op threads already fixed: {}", alreadyStarted.getMessage());
                }
            }
            if (!fastAllocator()) {
                LOG.warn("PyTorch is running on glibc malloc: training will be several times slower. Install"
                        + " tcmalloc (Debian: apt-get install libtcmalloc-minimal4) and start through ./softcifar,"
                        + " or set LD_PRELOAD=libtcmalloc_minimal.so.4");
            }
            engine = e;
        }
        return engine;
    }

    /** The intra-op threads of this process: system property {@code softcifar.threads}, else the available cores. */
    public static int threads() {
        return Integer.getInteger("softcifar.threads", Runtime.getRuntime().availableProcessors());
    }

    /** An even share of {@link #threads()} for each of {@code runs} runs training at once, at least one. */
    public static int threadsPerRun(int runs) {
        return Math.max(1, threads() / runs);
    }

    /**
     * Sets how many intra-op threads the calling thread's PyTorch operators use. PyTorch's CPU parallelism is OpenMP,
     * whose thread count is kept per calling thread, so a run on a thread of its own can get a share of the cores
     * without changing other threads' count ({@code ConcurrentTrainingBenchmarkTest}); threads that have not run an
     * operator yet start from the last count set anywhere.
     */
    public static void useThreads(int threads) {
        engine();
        JniUtils.setNumThreads(threads);
    }

    /** True if tcmalloc or jemalloc is preloaded. */
    public static boolean fastAllocator() {
        String preload = System.getenv("LD_PRELOAD");
        return preload != null && (preload.contains("tcmalloc") || preload.contains("jemalloc"));
    }

    /** "cpu" or "cu124": which PyTorch native jar is on the class path. */
    public static String nativeFlavour() {
        String flavor = System.getProperty("PYTORCH_FLAVOR");
        if (flavor != null) {
            return flavor;
        }
        return EngineSetup.class.getClassLoader().getResource("native/lib/pytorch.properties") != null
                ? readFlavour()
                : "unknown";
    }

    private static String readFlavour() {
        try (var in = EngineSetup.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("flavor", "unknown");
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Seeds PyTorch's generators (CPU and CUDA) from a 64-bit seed. */
    public static void seed(long seed) {
        engine().setRandomSeed((int) (mix(seed) & 0x7fffffff));
    }

    /** SplitMix64 finalizer: decorrelates seeds such as (run seed, epoch) pairs. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
