package io.softcifar.service.lifecycle;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import org.jboss.logging.Logger;

/**
 * Ends this service when the process that started it ends, however it ended: {@code ./softcifar up} starts each
 * service with {@code -Dsoftcifar.exit-with-parent=true} and a pipe on its standard input, and never writes to it.
 * When {@code up} exits, even by {@code kill -9}, the operating system closes the pipe's other end, the read here
 * returns end-of-file, and the service shuts down as on SIGTERM (consumers close, a trainer saves and releases its
 * run). Without this, the services of a killed {@code up} would live on as orphans holding their ports.
 *
 * <p>Off unless the property is set: in a container or under systemd standard input is {@code /dev/null} (end-of-file
 * at once) or a terminal.
 */
@ApplicationScoped
public class ParentWatchdog {

    public static final String PROPERTY = "softcifar.exit-with-parent";

    private static final Logger LOG = Logger.getLogger(ParentWatchdog.class);

    void start(@Observes @Priority(1) StartupEvent event) {
        if (Boolean.getBoolean(PROPERTY)) {
            watch(System.in, () -> {
                LOG.warn("the parent process (softcifar up) is gone: shutting down");
                Quarkus.asyncExit(0);
            });
        }
    }

    /** Reads {@code parentPipe} to its end on a daemon thread, then runs {@code onParentGone}. */
    static Thread watch(InputStream parentPipe, Runnable onParentGone) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[256];
                    try {
                        while (parentPipe.read(buffer) >= 0) {
                            // nothing is ever written; whatever comes is ignored
                        }
                    } catch (IOException e) {
                        LOG.debugf("reading the parent pipe failed (%s): treated as the parent gone", e.getMessage());
                    }
                    onParentGone.run();
                },
                "softcifar-parent-watchdog");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
