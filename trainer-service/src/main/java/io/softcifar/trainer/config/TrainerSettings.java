package io.softcifar.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.OptionalInt;

/** {@code softcifar.trainer.*}: device, concurrency, local work folder and consumer groups of the trainer. */
@ConfigMapping(prefix = "softcifar.trainer")
public interface TrainerSettings {

    /** auto (a GPU when one is visible, else the CPU), cpu, or gpu (readiness DOWN when none is visible). */
    @WithDefault("auto")
    String device();

    /**
     * Runs trained at the same time by this replica. Unset: one per visible GPU when the device is gpu/auto and a
     * GPU is visible, else 1 (one CPU run uses every core already). With more than one, each run's thread gets
     * max(1, threads ÷ slots) intra-op threads; their random draws stay apart ({@code RunRandom}).
     */
    OptionalInt slots();

    /** Local folder: per run, its downloaded shards and its checkpoints while it trains (deleted when it ends). */
    Path workDir();

    /**
     * Kafka's {@code session.timeout.ms} of the training-requests consumer: how long after a replica dies (no
     * heartbeats) its partitions, and so its unfinished runs, move to another replica. Kafka's default is 45 s.
     */
    @WithDefault("PT45S")
    java.time.Duration sessionTimeout();

    /**
     * How long a run's lease ({@code runs/{runId}/lease.json}) stays valid without renewal; renewed every third of
     * it. A request redelivered while another replica's lease is fresh waits; once stale, the run is taken over.
     */
    @WithDefault("PT2M")
    java.time.Duration leaseTtl();

    /**
     * The pause between writing a run's lease and reading it back when taking it (S3 has no compare-and-set: of
     * replicas that race, the last writer wins). Default a tenth of the TTL, 50 ms to 1 s ({@code RunLeases
     * .defaultSettle}); {@code ./softcifar up} sets 100 ms (one replica, a local S3 server).
     */
    java.util.Optional<java.time.Duration> leaseSettle();

    /**
     * SIGTERM: how long the shutdown waits for running runs to stop after their current step and give up their
     * leases before it interrupts them. Below {@code QUARKUS_SHUTDOWN_TIMEOUT} (240 s) and the Kubernetes
     * {@code terminationGracePeriodSeconds} (300 s) of deploy/k8s.
     */
    @WithDefault("PT60S")
    java.time.Duration shutdownGrace();

    /** Consumer group of the training-requests consumer, shared by all replicas (they split the partitions). */
    @WithDefault("trainer-service")
    String consumerGroup();

    /**
     * Prefix of the per-replica consumer group of the control topic ({@code <prefix>-<uuid>}): every replica sees
     * every cancel request, and the one that runs the run acts on it.
     */
    @WithDefault("trainer-service-control")
    String controlGroupPrefix();
}
