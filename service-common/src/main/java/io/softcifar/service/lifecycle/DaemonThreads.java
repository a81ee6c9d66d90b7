package io.softcifar.service.lifecycle;

import java.util.concurrent.ThreadFactory;

/** Background executors run on named daemon threads: they never hold the JVM open on shutdown. */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** A factory of daemon threads all named {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
