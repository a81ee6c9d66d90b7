package io.softcifar.trainer.service;

import java.util.TreeSet;

/**
 * One GPU per run: with several GPUs visible and a device setting of {@code gpu} or {@code auto}, each concurrent run
 * gets the lowest free GPU ({@code gpu:0}, {@code gpu:1}, …) for its whole length, so the default of one slot per GPU
 * really means one run per GPU. With one GPU, on CPU, or with an explicit {@code gpu:N}, the setting is used as is.
 */
final class GpuAssignment {

    private final int gpus;
    private final TreeSet<Integer> free = new TreeSet<>();

    GpuAssignment(int gpus) {
        this.gpus = gpus;
        for (int i = 0; i < gpus; i++) {
            free.add(i);
        }
    }

    /** The device string for a run: {@code gpu:i} (to be released) or {@code requested} unchanged. */
    synchronized String acquire(String requested) throws InterruptedException {
        if (gpus <= 1 || !("gpu".equals(requested) || "cuda".equals(requested) || "auto".equals(requested))) {
            return requested;
        }
        while (free.isEmpty()) {
            wait(); // more slots than GPUs were configured: the run waits for a GPU rather than sharing one
        }
        return "gpu:" + free.pollFirst();
    }

    synchronized void release(String device) {
        if (gpus > 1 && device.startsWith("gpu:")) {
            free.add(Integer.parseInt(device.substring(4)));
            notifyAll();
        }
    }
}
