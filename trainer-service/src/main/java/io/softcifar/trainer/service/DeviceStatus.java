package io.softcifar.trainer.service;

import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.trainer.config.TrainerSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The replica's device, resolved once at start with ml-core's {@link DeviceSelection} (which loads the PyTorch engine
 * and counts the CUDA devices): what readiness reports, and how many slots the replica gets by default.
 */
@ApplicationScoped
public class DeviceStatus {

    private static final Logger LOG = Logger.getLogger(DeviceStatus.class);

    @Inject
    TrainerSettings settings;

    private volatile String device;
    private volatile String problem;
    private volatile int gpus;

    /** Resolved outside CDI (tests). */
    // Field injection for CDI; outside CDI this factory sets the same fields, so the bean has one shape in both worlds.
    @SuppressWarnings("UnnecessaryAssignment")
    public static DeviceStatus of(TrainerSettings settings) {
        DeviceStatus status = new DeviceStatus();
        status.settings = settings;
        status.resolve();
        return status;
    }

    @PostConstruct
    void resolve() {
        try {
            gpus = EngineSetup.engine().getGpuCount();
            device = DeviceSelection.resolve(settings.device()).toString();
            LOG.infof(
                    "device %s (setting %s, %d GPU(s) visible, PyTorch natives %s, fast allocator %s)",
                    device, settings.device(), gpus, EngineSetup.nativeFlavour(), EngineSetup.fastAllocator());
        } catch (RuntimeException e) {
            problem = e.getMessage();
            LOG.errorf("device unusable: %s", problem);
        }
    }

    /** The reason the configured device cannot be used, or empty if it can. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** e.g. {@code cpu()} or {@code gpu(0)}; null when unusable. */
    public String device() {
        return device;
    }

    public int gpuCount() {
        return gpus;
    }

    /** Configured slots, else one per GPU when training on GPUs, else 1. */
    public int slots() {
        if (settings.slots().isPresent()) {
            return Math.max(1, settings.slots().getAsInt());
        }
        boolean onGpu = device != null && device.startsWith("gpu");
        return onGpu ? Math.max(1, gpus) : 1;
    }
}
