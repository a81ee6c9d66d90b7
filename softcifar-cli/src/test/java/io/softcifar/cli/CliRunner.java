package io.softcifar.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process and captures what it prints. */
public final class CliRunner {

    public record Result(int exitCode, String out, String err) {
        /**
         * The command's own lines on stderr. The command runs inside the test's JVM, where an embedded broker or
         * service may log (slf4j-simple, to System.err, from its own threads) while stderr is captured: such log
         * lines ("[thread] LEVEL logger - message", or JBoss logging's "date time LEVEL [category] ...") are not the
         * command's output and are left out.
         */
        public String[] errLines() {
            return err.isBlank()
                    ? new String[0]
                    : java.util.Arrays.stream(err.strip().split("\\R"))
                            .filter(line -> !LOG_LINE.matcher(line).lookingAt())
                            .toArray(String[]::new);
        }

        private static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile(
                "(\\[[^\\]]+\\]|\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) (TRACE|DEBUG|INFO|WARN|ERROR) ");
    }

    private CliRunner() {}

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SoftCifar.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
