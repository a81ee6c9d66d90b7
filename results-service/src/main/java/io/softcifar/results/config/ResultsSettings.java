package io.softcifar.results.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code softcifar.results.*}. */
@ConfigMapping(prefix = "softcifar.results")
public interface ResultsSettings {

    /** Runs a study may have without {@code "allowLarge": true}. */
    @WithDefault("1000")
    int maxRuns();

    /** How long the start-up waits for the view to catch up with Kafka before readiness says so. */
    @WithDefault("PT2M")
    java.time.Duration rebuildTimeout();

    /** {@code softcifar.results.watchdog.*}: recovering runs and studies that would otherwise wait for good. */
    Watchdog watchdog();

    interface Watchdog {

        /** Off: nothing is re-requested (e.g. a read-only replica). */
        @WithDefault("true")
        boolean enabled();

        /** How often the view is checked. */
        @WithDefault("PT30S")
        java.time.Duration interval();

        /**
         * A RUNNING run with no progress or status event for this long is requested again (the trainer sends
         * progress every epoch: keep this above the longest epoch plus the lease TTL's worth of slack).
         */
        @WithDefault("PT30M")
        java.time.Duration heartbeatTimeout();

        /** A FINISHED run with no evaluation for this long gets its final best checkpoint published again. */
        @WithDefault("PT30M")
        java.time.Duration evaluationTimeout();

        /** A study's PENDING runs whose dataset is there are requested once the study is this old. */
        @WithDefault("PT2M")
        java.time.Duration pendingGrace();

        /** Recoveries of one kind per run before the watchdog leaves the run alone (then: retry by hand). */
        @WithDefault("3")
        int maxRecoveries();
    }
}
