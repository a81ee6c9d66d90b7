package io.softcifar.results.service;

import java.util.concurrent.ThreadFactory;

/** The service's background executors run on named daemon threads: they never hold the JVM open on shutdown. */
final class DaemonThreads {

    private DaemonThreads() {}

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
