package io.softcifar.service.events;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The retry budget of a consumer: tries in all, and the capped exponential wait between them. */
record Backoff(int maxAttempts, Duration initial, Duration max) {

    /** initial × 2^(attempt-1), capped. */
    Duration after(int failedAttempts) {
        long millis = initial.toMillis();
        for (int i = 1; i < failedAttempts && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** Waits, or returns false at once when {@code running} turns false (the consumer is closing) or on interrupt. */
    static boolean pause(Duration wait, BooleanSupplier running) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (running.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running.getAsBoolean();
    }
}
