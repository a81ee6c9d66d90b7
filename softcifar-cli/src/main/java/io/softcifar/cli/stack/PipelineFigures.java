package io.softcifar.cli.stack;

import java.util.List;

/**
 * What {@code bench pipeline} measured and what it makes of it.
 *
 * <p>The overhead is the wall time of the concurrent pass (first submit to the last evaluation) over the sum of
 * the runs' own work measured in the serial pass, where each run went through the stack alone: the trainer's
 * training seconds (its epochs, validation included) plus the evaluator's evaluation seconds. 1.00 would be a
 * pipeline that costs nothing beyond the work, as if the runs had been trained and evaluated back to back in one
 * process; above 1 is what the services, events, transfers and their fight over the cores add.
 */
record PipelineFigures(
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
     */
    record RunTimes(String label, double trainSeconds, double evaluationSeconds, double endToEndSeconds) {

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
}
