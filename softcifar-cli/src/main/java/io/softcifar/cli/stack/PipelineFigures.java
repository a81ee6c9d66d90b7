package io.softcifar.cli.stack;

import java.util.List;

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
