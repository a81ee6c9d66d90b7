package io.softcifar.results.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code softcifar.results.*}. */
@ConfigMapping(prefix = "softcifar.results")
public interface ResultsSettings {

    /** Runs a study may have without {@code "allowLarge": true}. */
    @WithDefault("10000")
    int maxRuns();

    /** How long the start-up waits for the view to catch up with Kafka before readiness says so. */
    @WithDefault("PT2M")
    java.time.Duration rebuildTimeout();
}
