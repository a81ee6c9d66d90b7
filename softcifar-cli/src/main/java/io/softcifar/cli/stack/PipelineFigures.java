package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench pipeline} measured and what it makes of it.
 *
 * <p>The overhead is the wall time of the concurrent pass (first submit to the last evaluation, on a stack with the
 * core split under test) over the sum of the runs' own work measured in the serial pass, where each run went
 * through a stack alone with every core given to whichever service worked ({@link CoreSplit#whole}): the trainer's
 * training seconds (its epochs, validation included) plus the evaluator's evaluation seconds. 1.00 would be a
 * pipeline that costs nothing beyond the work, as if the runs had been trained and evaluated back to back in one
 * process with the whole machine; above 1 is what the services, events, transfers and their sharing of the cores
 * add (below 1 is possible: single-threaded runs side by side waste less than one run's threads synchronizing).
 */
record PipelineFigures(
        CoreSplit referenceSplit,
        CoreSplit pipelineSplit,
        double startupSeconds,
        double importSeconds,
        double warmupSeconds,
        double wallSeconds,
        double serialWallSeconds,
        List<RunTimes> serial,
        List<RunTimes> concurrent,
        double submitToRunningSeconds,
        double submitToFirstEpochSeconds) {

    /**
     * One run's times.
     *
     * @param endToEndSeconds from its study's submit to its evaluation's completion (bench clock)
     * @param firstStepSeconds from its study's submit to the end of its first training step (the trainer's clock,
     *     the same machine's)
     * @param residentMiBPeak the trainer process's peak resident memory while the run was there (its {@code
     *     memory.residentMiBPeak}; -1 unknown)
     * @param runsAtPeak the runs the trainer had at that peak (0 unknown)
     */
    record RunTimes(
            String label,
            double trainSeconds,
            double evaluationSeconds,
            double endToEndSeconds,
            double firstStepSeconds,
            long residentMiBPeak,
            int runsAtPeak) {

        double ownSeconds() {
            return trainSeconds + evaluationSeconds;
        }

        /** What is neither training nor evaluating: events, shard download, checkpoint upload, waiting. */
        double pipelineSeconds() {
            return endToEndSeconds - ownSeconds();
        }
    }

    PipelineFigures {
        serial = List.copyOf(serial);
        concurrent = List.copyOf(concurrent);
    }

    /** The runs' own work, summed over the serial pass. */
    double ownSeconds() {
        return serial.stream().mapToDouble(RunTimes::ownSeconds).sum();
    }

    /** Wall time of the concurrent pass ÷ the runs' own work (serial pass). */
    double overhead() {
        return wallSeconds / ownSeconds();
    }

    /** The figures for {@code --json}. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("overhead", overhead());
        m.put("referenceSplit", referenceSplit());
        m.put("pipelineSplit", pipelineSplit());
        m.put("wallSeconds", wallSeconds());
        m.put("ownSeconds", ownSeconds());
        m.put("serialWallSeconds", serialWallSeconds());
        m.put("submitToRunningSeconds", submitToRunningSeconds());
        m.put("submitToFirstEpochSeconds", submitToFirstEpochSeconds());
        m.put("submitToFirstStepSeconds", earliestFirstStep(concurrent));
        m.put("submitToFirstStepAloneSeconds", medianFirstStep(serial));
        m.put("startupSeconds", startupSeconds());
        m.put("importSeconds", importSeconds());
        m.put("warmupSeconds", warmupSeconds());
        m.put("serial", serial());
        m.put("concurrent", concurrent());
        m.put("threads", Runtime.getRuntime().availableProcessors());
        return m;
    }

    /** Submit → the first training step of any of the runs (the trainer's {@code firstStepAt}), in seconds. */
    static double earliestFirstStep(List<RunTimes> runs) {
        return runs.stream().mapToDouble(RunTimes::firstStepSeconds).min().orElse(Double.NaN);
    }

    /** The median over runs of submit → first step. */
    static double medianFirstStep(List<RunTimes> runs) {
        double[] v =
                runs.stream().mapToDouble(RunTimes::firstStepSeconds).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** "1234 (2 runs)": the trainer's peak resident MiB while the run was there and the runs it then had. */
    static String peak(RunTimes r) {
        return r.residentMiBPeak() < 0
                ? "-"
                : r.residentMiBPeak() + " (" + r.runsAtPeak() + (r.runsAtPeak() == 1 ? " run)" : " runs)");
    }

    /** The text report. */
    void print(PrintWriter out) {
        out.println("reference (runs alone): " + referenceSplit().describe());
        out.println("pipeline (runs together): " + pipelineSplit().describe());
        out.printf(
                Locale.ROOT,
                "reference stack startup %.1f s, dataset import %.1f s, warm-up run %.1f s (not counted)%n",
                startupSeconds(),
                importSeconds(),
                warmupSeconds());
        out.printf(
                "%-14s %10s %10s %12s %12s %12s %16s%n",
                "run (alone)", "train s", "eval s", "submit→step", "submit→eval", "pipeline s", "trainer peak MiB");
        for (PipelineFigures.RunTimes r : serial()) {
            out.printf(
                    Locale.ROOT,
                    "%-14s %10.1f %10.1f %12.2f %12.1f %12.1f %16s%n",
                    r.label(),
                    r.trainSeconds(),
                    r.evaluationSeconds(),
                    r.firstStepSeconds(),
                    r.endToEndSeconds(),
                    r.pipelineSeconds(),
                    peak(r));
        }
        out.printf(
                "%-14s %10s %10s %12s %12s %12s %16s%n",
                "run (together)", "train s", "eval s", "submit→step", "submit→eval", "", "trainer peak MiB");
        for (PipelineFigures.RunTimes r : concurrent()) {
            out.printf(
                    Locale.ROOT,
                    "%-14s %10.1f %10.1f %12.2f %12.1f %12s %16s%n",
                    r.label(),
                    r.trainSeconds(),
                    r.evaluationSeconds(),
                    r.firstStepSeconds(),
                    r.endToEndSeconds(),
                    "",
                    peak(r));
        }
        out.printf(
                Locale.ROOT,
                "submit → first training step %.2f s (runs together, the first of them; alone: median %.2f s);"
                        + " → first run RUNNING %.1f s, → first epoch reported %.1f s (polled every %d ms)%n",
                earliestFirstStep(concurrent()),
                medianFirstStep(serial()),
                submitToRunningSeconds(),
                submitToFirstEpochSeconds(),
                PipelinePass.POLL_MILLIS);
        out.printf(
                Locale.ROOT,
                "overhead: %.1f s wall (submit → last evaluation, runs together) ÷ %.1f s own work (runs alone: train +"
                        + " eval) = %.2f%n",
                wallSeconds(),
                ownSeconds(),
                overhead());
    }
}
