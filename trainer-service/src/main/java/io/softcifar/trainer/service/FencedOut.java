package io.softcifar.trainer.service;

/**
 * Another replica took the run's lease over while this one trained it (this process was paused or cut off for longer
 * than the lease TTL): the run stops here without an outcome and without another checkpoint.
 */
final class FencedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FencedOut(String runId) {
        super("run " + runId + ": its lease was taken over by another replica", null, false, false);
    }
}
