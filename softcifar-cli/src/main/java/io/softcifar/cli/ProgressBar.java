package io.softcifar.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr (redrawn with \r on a terminal, one line per epoch otherwise). */
final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean interactive;
    private long lastDraw;

    // Java 17 (the project's runtime): System.console() is null exactly when the JVM has no terminal. From JDK 22 it is
    // non-null there too and Console.isTerminal() (not in 17) must be asked instead.
    @SuppressWarnings("SystemConsoleNull")
    ProgressBar(PrintStream out) {
        this.out = out;
        this.interactive = System.console() != null;
    }

    void step(String label, int done, int total, String suffix) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(WIDTH * done / (double) Math.max(1, total));
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%d/%d", done, total) + (suffix == null ? "" : " " + suffix) + "\u001b[K");
        out.flush();
    }

    void line(String text) {
        if (interactive) {
            out.print("\r\u001b[K");
        }
        out.println(text);
        out.flush();
    }
}
