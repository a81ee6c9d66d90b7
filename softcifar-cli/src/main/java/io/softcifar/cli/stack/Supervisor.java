package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.util.List;

/**
 * Restarts the services of the stack whose process ended, like a compose restart policy, with a pause that grows
 * with repeated crashes (1 s, 2 s, 4 s … at most 30 s); so killing a trainer mid-run is survivable.
 */
final class Supervisor {

    private final List<ServiceProcess> processes;
    private final PrintWriter out;
    private final Thread thread;
    private volatile boolean stopping;

    /** Watches {@code processes} (a live list: services added later are watched too) once {@link #start()}ed. */
    Supervisor(List<ServiceProcess> processes, PrintWriter out) {
        this.processes = processes;
        this.out = out;
        this.thread = new Thread(this::supervise, "softcifar-up-supervisor");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** No restart from now on (the stack is closing). */
    void stop() {
        stopping = true;
    }

    private void supervise() {
        while (!stopping) {
            for (ServiceProcess p : processes) {
                if (!stopping && !p.isAlive()) {
                    int code = p.exitCode();
                    long backoff = Math.min(30_000, 1_000L << Math.min(p.restarts(), 5));
                    out.printf(
                            "softcifar up: %s exited with code %d; restarting in %d s (restart %d); log %s%n",
                            p.launch().name(), code, backoff / 1000, p.restarts() + 1, p.log());
                    out.flush();
                    ServiceProcess.sleep(backoff);
                    if (!stopping) {
                        p.restart();
                    }
                }
            }
            ServiceProcess.sleep(1_000);
        }
    }
}
