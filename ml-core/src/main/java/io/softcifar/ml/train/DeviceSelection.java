package io.softcifar.ml.train;

import ai.djl.Device;
import java.util.Locale;

/**
 * Turns {@code cpu | gpu | gpu:N | auto} into a device ({@code gpu} is the first GPU; {@code gpu:N} lets a service put
 * concurrent runs on different GPUs). Asking for a GPU when none is visible is an error, never a silent CPU run.
 */
public final class DeviceSelection {

    private DeviceSelection() {}

    public static Device resolve(String choice) {
        String key = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        int gpus = EngineSetup.engine().getGpuCount();
        java.util.regex.Matcher indexed =
                java.util.regex.Pattern.compile("(?:gpu|cuda):(\\d+)").matcher(key);
        if (indexed.matches()) {
            int index = Integer.parseInt(indexed.group(1));
            if (index >= gpus) {
                throw new IllegalArgumentException(
                        "device: " + key + " requested but " + gpus + " CUDA device(s) are visible to PyTorch");
            }
            return Device.gpu(index);
        }
        return switch (key) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("device: gpu requested but no CUDA device is visible to PyTorch"
                            + " (this build uses the " + EngineSetup.nativeFlavour() + " natives; build with -Pcuda on"
                            + " a machine with an NVIDIA driver, or use --device cpu)");
                }
                yield Device.gpu(0);
            }
            case "auto" -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            default ->
                throw new IllegalArgumentException(
                        "device: unknown device '" + choice + "' (expected cpu, gpu or auto)");
        };
    }
}
