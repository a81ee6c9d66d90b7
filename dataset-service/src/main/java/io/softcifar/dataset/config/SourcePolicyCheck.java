package io.softcifar.dataset.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.softcifar.dataset.imports.SourcePolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * First thing at start: the prod profile refuses the test-only loopback switch (before the broker or the store is
 * contacted), and the log says where local imports may come from.
 */
@ApplicationScoped
public class SourcePolicyCheck {

    private static final Logger LOG = Logger.getLogger(SourcePolicyCheck.class);

    void onStart(@Observes @Priority(0) StartupEvent event, DatasetSettings settings) {
        SourcePolicy.requireAllowedInProfile(ConfigUtils.getProfiles(), settings.allowLoopbackUrlsForTests());
        List<Path> roots = settings.importRoots().orElse(List.of());
        if (roots.isEmpty()) {
            LOG.info("local dataset imports are off: no import root (softcifar.dataset.import-roots)");
        } else {
            LOG.infof("local dataset imports allowed under %s", roots);
        }
        if (settings.allowLoopbackUrlsForTests()) {
            LOG.warn("softcifar.dataset.allow-loopback-urls-for-tests is on: URL sources may name loopback hosts");
        }
    }
}
