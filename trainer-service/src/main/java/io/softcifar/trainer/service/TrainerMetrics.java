package io.softcifar.trainer.service;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The trainer's Micrometer meters (Prometheus names in the README): throughput, epoch time, runs by outcome,
 * checkpoint uploads.
 */
public final class TrainerMetrics {

    private final MeterRegistry registry;
    private final Timer epochTimer;
    private final Timer firstStepTimer;

    public TrainerMetrics(MeterRegistry registry, RunRegistry runs) {
        this.registry = registry;
        this.epochTimer = Timer.builder("softcifar.trainer.epoch.seconds")
                .description("wall time of a training epoch, validation and checkpoint writing included")
                .register(registry);
        this.firstStepTimer = Timer.builder("softcifar.trainer.first.step.seconds")
                .description("from a run's training request (its submission) to its first training step in this"
                        + " process: events, lease, shard download, model set-up and the step itself")
                .register(registry);
        Gauge.builder("softcifar.trainer.runs.active", runs, RunRegistry::active)
                .description("runs training in this process now")
                .register(registry);
        Gauge.builder(
                        "softcifar.trainer.images.per.second",
                        runs,
                        r -> r.list().stream()
                                .filter(h -> !h.status().isTerminal())
                                .mapToDouble(RunRegistry.RunHandle::imagesPerSecond)
                                .sum())
                .description("training images per second of the last epoch, summed over the active runs")
                .register(registry);
    }

    /** The requests topic's backlog of the trainer group ({@link RequestBacklog}), as a gauge. */
    public void backlog(RequestBacklog backlog) {
        Gauge.builder("softcifar.trainer.requests.backlog", backlog, RequestBacklog::get)
                .description("training requests the trainer group has not completed: queued plus training, all"
                        + " replicas")
                .register(registry);
    }

    /**
     * Used and total memory of each of the first {@code gpus} CUDA devices (DJL's {@code CudaUtils.getGpuMemory},
     * i.e. cudaMemGetInfo), read on every scrape; nothing is registered without GPUs.
     */
    public void gpuMemory(int gpus) {
        for (int i = 0; i < gpus; i++) {
            Device gpu = Device.gpu(i);
            gpuGauge(
                    "used",
                    "memory in use on the GPU (all processes)",
                    gpu,
                    d -> CudaUtils.getGpuMemory(d).getUsed());
            gpuGauge(
                    "total",
                    "memory of the GPU",
                    gpu,
                    d -> CudaUtils.getGpuMemory(d).getMax());
        }
    }

    private void gpuGauge(String which, String description, Device gpu, ToDoubleFunction<Device> bytes) {
        Gauge.builder("softcifar.trainer.device.memory." + which, gpu, bytes)
                .description(description)
                .baseUnit("bytes")
                .tag("device", "gpu:" + gpu.getDeviceId())
                .register(registry);
    }

    /** A run took its first step in this process, {@code sinceRequest} after it was requested. */
    public void firstStep(Duration sinceRequest) {
        firstStepTimer.record(sinceRequest.isNegative() ? Duration.ZERO : sinceRequest);
    }

    public void epoch(double seconds) {
        epochTimer.record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /**
     * A run's data was ready: {@code source} "bucket" (downloaded and decoded for it) or "shared" (already in this
     * process, loaded by an earlier or concurrent run on the same shards).
     */
    public void dataLoad(String source) {
        Counter.builder("softcifar.trainer.data.loads")
                .description("runs' training data by source: bucket (downloaded) or shared (already in this process)")
                .tag("source", source)
                .register(registry)
                .increment();
    }

    /** A request ended: finished, cancelled, failed, rejected (bad input), duplicate (already ended or running). */
    public void outcome(String outcome) {
        Counter.builder("softcifar.trainer.runs")
                .description("training requests by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void upload(String kind, long bytes, long nanos) {
        Timer.builder("softcifar.trainer.checkpoint.upload.seconds")
                .description("time to upload a checkpoint to the object store")
                .tag("kind", kind)
                .register(registry)
                .record(Duration.ofNanos(nanos));
        DistributionSummary.builder("softcifar.trainer.checkpoint.upload.bytes")
                .description("size of uploaded checkpoints")
                .baseUnit("bytes")
                .tag("kind", kind)
                .register(registry)
                .record((double) bytes); // exact below 2^53 bytes
    }
}
