package io.softcifar.results.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.StudySubmitted;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import java.time.Clock;
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
        return EventEnvelope.of(event, Correlation.ofRun("v1", runId, "ds-x"),
                Clock.fixed(Instant.ofEpochSecond(1_800_000_000L + second), ZoneOffset.UTC), UUID.randomUUID());
    }

    private List<EventEnvelope> history(Expansion e) {
        String r0 = e.runs().get(0).runId();
        String r1 = e.runs().get(1).runId();
        StudyRequest request = EventCodec.fromJson(STUDY, StudyRequest.class);
        List<EventEnvelope> events = new ArrayList<>();
        events.add(at(0, new StudySubmitted("v1", "view", EventCodec.json().valueToTree(request),
                List.of(r0, r1)), null));
        events.add(at(1, new TrainingRequested(r0, "v1", e.runs().get(0).specFor("ds-x")), r0));
        events.add(at(1, new TrainingRequested(r1, "v1", e.runs().get(1).specFor("ds-x")), r1));
        events.add(at(2, new TrainingProgress(r0, 1, 1, 1, 1, 0.5, 0.05, 100, 0), r0));
        events.add(at(3, new TrainingFinished(r0, 1, 1, 0.5, 1, 10, "k"), r0));
        events.add(at(4, new EvaluationCompleted(r0, "ds-x", Map.of("test/accuracy", 0.5), "d", List.of()), r0));
        events.add(at(5, new TrainingFailed(r1, "boom"), r1));
        events.add(at(6, new TrainingRequested(r1, "v1", e.runs().get(1).specFor("ds-x")), r1)); // the retry
        return events;
    }

    @Test
    void anyArrivalOrderGivesTheSameView() {
        Expansion e = expander.expand(EventCodec.fromJson(STUDY, StudyRequest.class)).expansion();
        List<EventEnvelope> events = history(e);
        ResultsView inOrder = new ResultsView(expander);
        events.forEach(inOrder::apply);
        String expected = EventCodec.toCanonicalJson(EventCodec.json().valueToTree(inOrder.study("v1").orElseThrow()));
        assertThat(inOrder.run(e.runs().get(1).runId()).orElseThrow().status()).isEqualTo(RunPhase.REQUESTED);
        assertThat(inOrder.run(e.runs().get(1).runId()).orElseThrow().attempts()).isEqualTo(2);
        assertThat(inOrder.run(e.runs().get(0).runId()).orElseThrow().status()).isEqualTo(RunPhase.FINISHED);

        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<EventEnvelope> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            ResultsView view = new ResultsView(expander);
            shuffled.forEach(view::apply);
            shuffled.forEach(view::apply); // and everything twice
            assertThat(EventCodec.toCanonicalJson(EventCodec.json().valueToTree(view.study("v1").orElseThrow())))
                    .isEqualTo(expected);
        }
    }
}
