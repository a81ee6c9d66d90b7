package io.softcifar.results.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The fold of events into the view: order-independence where replays mix topics, idempotency. */
class ResultsViewTest {

    private static final String STUDY = """
            {"id": "v1", "name": "view", "datasetId": "ds-x", "grid": {"methods": ["basic"], "labelModes": ["soft"]},
             "seeds": 2}""";

    private final StudyExpander expander = new StudyExpander(10_000);

    private static EventEnvelope at(long second, Event event, String runId) {
        return EventEnvelope.of(
                event,
                Correlation.ofRun("v1", runId, "ds-x"),
                Clock.fixed(Instant.ofEpochSecond(1_800_000_000L + second), ZoneOffset.UTC),
                UUID.randomUUID());
    }

    private List<EventEnvelope> history(Expansion e) {
        String r0 = e.runs().get(0).runId();
        String r1 = e.runs().get(1).runId();
        StudyRequest request = EventCodec.fromJson(STUDY, StudyRequest.class);
        List<EventEnvelope> events = new ArrayList<>();
        events.add(
                at(0, new StudySubmitted("v1", "view", EventCodec.json().valueToTree(request), List.of(r0, r1)), null));
        events.add(at(1, new TrainingRequested(r0, "v1", e.runs().get(0).specFor("ds-x")), r0));
        events.add(at(1, new TrainingRequested(r1, "v1", e.runs().get(1).specFor("ds-x")), r1));
        events.add(at(2, new TrainingProgress(r0, 1, 1, 1, null, 1, 0.5, 0.05, 100, 0, null), r0));
        events.add(at(3, new TrainingFinished(r0, 1, 1, 0.5, 1, 10, "k", null, null), r0));
        events.add(at(4, new EvaluationCompleted(r0, "ds-x", Map.of("test/accuracy", 0.5), "d", List.of()), r0));
        events.add(at(5, new TrainingFailed(r1, "boom"), r1));
        events.add(at(6, new TrainingRequested(r1, "v1", e.runs().get(1).specFor("ds-x")), r1)); // the retry
        return events;
    }

    @Test
    void anyArrivalOrderGivesTheSameView() {
        Expansion e =
                expander.expand(EventCodec.fromJson(STUDY, StudyRequest.class)).expansion();
        List<EventEnvelope> events = history(e);
        ResultsView inOrder = new ResultsView(expander);
        events.forEach(inOrder::apply);
        String expected = EventCodec.toCanonicalJson(
                EventCodec.json().valueToTree(inOrder.study("v1").orElseThrow()));
        assertThat(inOrder.run(e.runs().get(1).runId()).orElseThrow().status()).isEqualTo(RunPhase.REQUESTED);
        assertThat(inOrder.run(e.runs().get(1).runId()).orElseThrow().attempts())
                .isEqualTo(2);
        assertThat(inOrder.run(e.runs().get(0).runId()).orElseThrow().status()).isEqualTo(RunPhase.FINISHED);

        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<EventEnvelope> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            ResultsView view = new ResultsView(expander);
            shuffled.forEach(view::apply);
            shuffled.forEach(view::apply); // and everything twice
            assertThat(EventCodec.toCanonicalJson(
                            EventCodec.json().valueToTree(view.study("v1").orElseThrow())))
                    .isEqualTo(expected);
        }
    }

    /**
     * Fencing, by hand: the trainer of lease 1 is paused, another replica takes the run over with lease 2, then the
     * paused one wakes up and publishes progress, its final checkpoint and finished, all newer by time. The view
     * must keep lease 2's story, count what it ignored, and have the watchdog re-publish lease 2's checkpoint.
     */
    @Test
    void eventsWithAnOlderFencingTokenThanTheNewestSeenAreIgnoredAndCounted() {
        Expansion e =
                expander.expand(EventCodec.fromJson(STUDY, StudyRequest.class)).expansion();
        String r0 = e.runs().get(0).runId();
        ResultsView view = submittedWithFirstRunRequested(e);
        view.apply(at(2, new TrainingProgress(r0, 1, 3, 2.0, null, 1.9, 0.3, 0.05, 100, 20, 1L), r0));
        // the takeover: lease 2 resumes from the epoch-1 checkpoint
        view.apply(at(5, new RunState(r0, RunStatus.RUNNING, 1, t(5), "resumed from the epoch-1 checkpoint", 2L), r0));
        view.apply(at(6, new TrainingProgress(r0, 2, 3, 1.5, null, 1.25, 0.5, 0.05, 100, 10, 2L), r0));
        // the paused holder of lease 1 wakes up
        view.apply(at(7, new TrainingProgress(r0, 2, 3, 9.0, null, 9.0, 0.1, 0.05, 100, 10, 1L), r0));
        view.apply(at(
                8, new CheckpointPublished(r0, 2, CheckpointPublished.KIND_BEST, true, "stale-key", "00", 1, 1L), r0));
        view.apply(at(9, new TrainingFinished(r0, 2, 9.0, 0.1, 2, 5, "stale-key", 1L, null), r0));
        view.apply(at(10, new TrainingFinished(r0, 2, 9.0, 0.1, 2, 5, "untokened-key", null, null), r0)); // counts as 0

        ViewModel.RunDetail running = view.run(r0).orElseThrow();
        assertThat(running.status()).isEqualTo(RunPhase.RUNNING);
        assertThat(running.finished()).isNull();
        assertThat(running.checkpoints()).isEmpty();
        assertThat(running.progress())
                .extracting(ViewModel.ProgressPoint::epoch, ViewModel.ProgressPoint::valLoss)
                .containsExactly(tuple(1, 1.9), tuple(2, 1.25));
        assertThat(view.fenced(TrainingProgress.TYPE)).isEqualTo(1);
        assertThat(view.fenced(CheckpointPublished.TYPE)).isEqualTo(1);
        assertThat(view.fenced(TrainingFinished.TYPE)).isEqualTo(2);
        assertThat(view.fenced(RunState.TYPE)).isZero();

        // lease 2 ends the run; the same token again is not stale
        view.apply(at(11, new TrainingProgress(r0, 3, 3, 1.0, null, 1.0, 0.625, 0.05, 100, 0, 2L), r0));
        view.apply(at(12, new CheckpointPublished(r0, 3, CheckpointPublished.KIND_BEST, true, "k2", "ab", 7, 2L), r0));
        view.apply(at(13, new TrainingFinished(r0, 3, 1.0, 0.625, 3, 30, "k2", 2L, null), r0));
        ViewModel.RunDetail done = view.run(r0).orElseThrow();
        assertThat(done.status()).isEqualTo(RunPhase.FINISHED);
        assertThat(done.finished().bestCheckpointKey()).isEqualTo("k2");
        assertThat(done.checkpoints())
                .extracting(ViewModel.CheckpointView::key, ViewModel.CheckpointView::fencingToken)
                .containsExactly(tuple("k2", 2L));
        // a late stale terminal event does not undo it either
        view.apply(at(14, new TrainingFailed(r0, "the old holder's verdict", List.of(), 1L), r0));
        assertThat(view.run(r0).orElseThrow().status()).isEqualTo(RunPhase.FINISHED);
        assertThat(view.fenced(TrainingFailed.TYPE)).isEqualTo(1);

        // unevaluated: the watchdog re-publishes lease 2's checkpoint, with its token
        List<ResultsView.Stuck> stuck = view.stuck(
                t(13).plusSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 3);
        assertThat(stuck)
                .extracting(ResultsView.Stuck::kind, ResultsView.Stuck::runId)
                .contains(tuple("evaluation", r0));
        ResultsView.Stuck evaluation = stuck.stream()
                .filter(x -> x.kind().equals("evaluation"))
                .findFirst()
                .orElseThrow();
        assertThat(evaluation.checkpoint().key()).isEqualTo("k2");
        assertThat(evaluation.checkpoint().fencingToken()).isEqualTo(2L);
    }

    /** A view of study v1 (both runs of the expansion) submitted at t = 0, its first run requested at t = 1. */
    private ResultsView submittedWithFirstRunRequested(Expansion e) {
        String r0 = e.runs().get(0).runId();
        ResultsView view = new ResultsView(expander);
        StudyRequest request = EventCodec.fromJson(STUDY, StudyRequest.class);
        view.apply(at(
                0,
                new StudySubmitted(
                        "v1",
                        "view",
                        EventCodec.json().valueToTree(request),
                        List.of(r0, e.runs().get(1).runId())),
                null));
        view.apply(at(1, new TrainingRequested(r0, "v1", e.runs().get(0).specFor("ds-x")), r0));
        return view;
    }

    private static Instant t(long second) {
        return Instant.ofEpochSecond(1_800_000_000L + second);
    }

    /** The watchdog's rule by hand: stuck exactly when the newest sign of life is at least the timeout old. */
    @Test
    void theWatchdogRecoversSilentRunsAndUnevaluatedOnesAfterTheirTimeouts() {
        Expansion e =
                expander.expand(EventCodec.fromJson(STUDY, StudyRequest.class)).expansion();
        String r0 = e.runs().get(0).runId();
        String r1 = e.runs().get(1).runId();
        ResultsView view = submittedWithFirstRunRequested(e);
        view.apply(at(1, new TrainingRequested(r1, "v1", e.runs().get(1).specFor("ds-x")), r1));
        view.apply(at(
                10, new TrainingProgress(r0, 1, 3, 1, null, 1, 0.5, 0.05, 100, 20, null), r0)); // r0 RUNNING since 10
        view.apply(at(12, new CheckpointPublished(r1, 1, CheckpointPublished.KIND_BEST, true, "k1", "ab", 5), r1));
        view.apply(at(
                20,
                new TrainingFinished(r1, 1, 1, 0.5, 1, 10, "k1", null, null),
                r1)); // r1 FINISHED at 20, no evaluation
        Duration timeout = Duration.ofSeconds(30);

        // r0 silent since 10: not stuck at 39.999, stuck at 40; r1 since 20: stuck at 50
        assertThat(view.stuck(t(40).minusMillis(1), timeout, timeout, timeout, 3))
                .isEmpty();
        List<ResultsView.Stuck> at40 = view.stuck(t(40), timeout, timeout, timeout, 3);
        assertThat(at40)
                .extracting(ResultsView.Stuck::kind, ResultsView.Stuck::runId)
                .containsExactly(tuple("heartbeat", r0));
        assertThat(at40.get(0).spec()).isEqualTo(e.runs().get(0).specFor("ds-x"));
        List<ResultsView.Stuck> at50 = view.stuck(t(50), timeout, timeout, timeout, 3);
        assertThat(at50)
                .extracting(ResultsView.Stuck::kind, ResultsView.Stuck::runId)
                .containsExactly(tuple("heartbeat", r0), tuple("evaluation", r1));
        assertThat(at50.get(1).checkpoint().key()).isEqualTo("k1");
        assertThat(at50.get(1).datasetId()).isEqualTo("ds-x");

        // a recovery of r1 at 50 (its record read back: the same event id counts once) restarts its clock
        assertThat(view.recovered("ev-1", r1, "evaluation", t(50))).isTrue();
        assertThat(view.recovered("ev-1", r1, "evaluation", t(50))).isFalse();
        assertThat(view.run(r1).orElseThrow().recoveries()).isEqualTo(Map.of("evaluation", 1));
        assertThat(view.stuck(t(79), timeout, timeout, timeout, 3))
                .extracting(ResultsView.Stuck::runId)
                .containsExactly(r0);
        // at most 1 recovery per kind: r1 is left alone then
        assertThat(view.stuck(t(200), timeout, timeout, timeout, 1))
                .extracting(ResultsView.Stuck::runId)
                .containsExactly(r0);
        // an evaluation, even a failed one, ends the watch of r1 (a failed one is retried by hand)
        view.apply(at(60, new EvaluationFailed(r1, "bad"), r1));
        assertThat(view.stuck(t(200), timeout, timeout, timeout, 3))
                .extracting(ResultsView.Stuck::runId)
                .containsExactly(r0);
        assertThat(view.failedEvaluation(r1)).map(ResultsView.Stuck::kind).contains("evaluation-retry");
        // r0 re-requested: REQUESTED, no longer watched
        view.apply(at(41, new TrainingRequested(r0, "v1", e.runs().get(0).specFor("ds-x")), r0));
        assertThat(view.stuck(t(200), timeout, timeout, timeout, 3)).isEmpty();
    }

    /** A study whose second request was never published: the PENDING run is due after the grace. */
    @Test
    void aPendingRunOfAStudyWhoseDatasetIsThereIsRequestedAfterTheGrace() {
        Expansion e =
                expander.expand(EventCodec.fromJson(STUDY, StudyRequest.class)).expansion();
        String r0 = e.runs().get(0).runId();
        String r1 = e.runs().get(1).runId();
        ResultsView view = submittedWithFirstRunRequested(e);
        Duration grace = Duration.ofSeconds(5);
        Duration long_ = Duration.ofHours(1);
        assertThat(view.stuck(t(5).minusMillis(1), long_, long_, grace, 3)).isEmpty();
        List<ResultsView.Stuck> due = view.stuck(t(5), long_, long_, grace, 3);
        assertThat(due)
                .extracting(ResultsView.Stuck::kind, ResultsView.Stuck::runId)
                .containsExactly(tuple("pending", r1));
        assertThat(due.get(0).spec()).isEqualTo(e.runs().get(1).specFor("ds-x"));
    }
}
