package io.softcifar.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fencing tokens on the wire (hand-written {@code golden/fenced/} files next to the untokened {@code golden/} ones,
 * which still decode) and the "newest token wins" rule on hand-chosen sequences.
 */
class FencingTokensTest {

    /** The tokens written into the golden/fenced files by hand. */
    private static final Map<String, Long> GOLDEN_TOKENS = Map.of(
            TrainingProgress.TYPE,
            3L,
            RunState.TYPE,
            3L,
            CheckpointPublished.TYPE,
            3L,
            TrainingFinished.TYPE,
            4L,
            TrainingFailed.TYPE,
            1L,
            TrainingCancelled.TYPE,
            2L);

    static Stream<String> fencedTypes() {
        return GOLDEN_TOKENS.keySet().stream().sorted();
    }

    @Test
    void exactlyTheLeaseHolderEventsCarryAToken() {
        List<String> fenced = new ArrayList<>();
        Examples.all().forEach((type, envelope) -> {
            if (envelope.payload() instanceof Fenced) {
                fenced.add(type);
            }
        });
        assertThat(fenced).containsExactlyInAnyOrderElementsOf(GOLDEN_TOKENS.keySet());
    }

    @ParameterizedTest
    @MethodSource("fencedTypes")
    void aTokenedEventEncodesToItsGoldenFileAndBack(String type) throws IOException {
        EventEnvelope example = stamped(type, GOLDEN_TOKENS.get(type));

        assertThat(EventCodec.json().readTree(EventCodec.encode(example))).isEqualTo(fencedGolden(type));
        EventEnvelope decoded = EventCodec.decode(fencedGoldenText(type));
        assertThat(decoded).isEqualTo(example);
        assertThat(FencingTokens.tokenOf(decoded.payload())).isEqualTo(GOLDEN_TOKENS.get(type));
    }

    @ParameterizedTest
    @MethodSource("fencedTypes")
    void anOldEventWithoutATokenStillDecodesAndCountsAsZero(String type) throws IOException {
        EventEnvelope decoded = EventCodec.decode(GoldenEventsTest.goldenText(type));

        assertThat(((Fenced) decoded.payload()).fencingToken()).isNull();
        assertThat(FencingTokens.tokenOf(decoded.payload())).isZero();
        assertThat(EventCodec.json()
                        .readTree(EventCodec.encode(decoded))
                        .get("payload")
                        .has("fencingToken"))
                .isFalse();
    }

    @Test
    void otherEventsHaveNoToken() {
        assertThat(FencingTokens.tokenOf(
                        Examples.all().get(EvaluationCompleted.TYPE).payload()))
                .isZero();
        assertThat(FencingTokens.tokenOf(
                        Examples.all().get(TrainingRequested.TYPE).payload()))
                .isZero();
    }

    @Test
    void theNewestTokenWins() {
        FencingTokens.Newest newest = new FencingTokens.Newest(100);
        // run a: lease 1 trains, lease 2 takes over, then the paused holder of lease 1 wakes up
        assertThat(newest.admit(progress("a", 1L))).isTrue();
        assertThat(newest.admit(progress("a", 1L))).isTrue(); // a renewal keeps the token
        assertThat(newest.admit(progress("a", 2L))).isTrue();
        assertThat(newest.admit(finished("a", 1L)))
                .as("the old holder's finished event")
                .isFalse();
        assertThat(newest.admit(progress("a", 2L))).isTrue();
        assertThat(newest.admit(finished("a", 2L))).isTrue();
        assertThat(newest.newest("a")).isEqualTo(2L);
        // without a token (an older producer): 0, accepted before any token, never after one
        assertThat(newest.admit(progress("b", null))).isTrue();
        assertThat(newest.admit(progress("b", 5L))).isTrue();
        assertThat(newest.admit(finished("b", null))).isFalse();
        assertThat(newest.admit(progress("b", 4L))).isFalse();
        assertThat(newest.admit(finished("b", 7L)))
                .as("tokens may jump (leases whose events were lost)")
                .isTrue();
        // runs are independent, and events that carry no token are never fenced
        assertThat(newest.admit(progress("c", 1L))).isTrue();
        assertThat(newest.admit(new EvaluationFailed("b", "boom"))).isTrue();
        assertThat(newest.admit(new TrainingRequested("b", null, null))).isTrue();
        assertThat(newest.newest("b")).isEqualTo(7L);
        assertThat(newest.newest("unknown")).isZero();
    }

    @Test
    void theRuleItself() {
        assertThat(FencingTokens.isStale(1, 2)).isTrue();
        assertThat(FencingTokens.isStale(0, 1)).isTrue();
        assertThat(FencingTokens.isStale(2, 2)).isFalse();
        assertThat(FencingTokens.isStale(3, 2)).isFalse();
        assertThat(FencingTokens.isStale(0, 0)).isFalse();
    }

    @Test
    void theBookForgetsTheRunsSeenLongestAgoBeyondItsCapacity() {
        FencingTokens.Newest newest = new FencingTokens.Newest(2);
        newest.admit(progress("a", 3L));
        newest.admit(progress("b", 3L));
        newest.admit(progress("a", 3L)); // a is now the most recent
        newest.admit(progress("c", 3L)); // b goes
        assertThat(newest.newest("a")).isEqualTo(3L);
        assertThat(newest.newest("b")).isZero();
        assertThat(newest.newest("c")).isEqualTo(3L);
    }

    private static TrainingProgress progress(String run, Long token) {
        return new TrainingProgress(run, 1, 2, 1.0, null, 1.0, 0.5, 0.1, 10.0, 1.0, token);
    }

    private static TrainingFinished finished(String run, Long token) {
        return new TrainingFinished(run, 1, 1.0, 0.5, 2, 3.0, "runs/" + run + "/checkpoints/best.ckpt", token, null);
    }

    private static EventEnvelope stamped(String type, long token) {
        EventEnvelope e = Examples.all().get(type);
        return new EventEnvelope(
                e.eventId(),
                e.type(),
                e.schemaVersion(),
                e.time(),
                e.correlation(),
                ((Fenced) e.payload()).withFencingToken(token));
    }

    private static JsonNode fencedGolden(String type) throws IOException {
        return EventCodec.json().readTree(fencedGoldenText(type));
    }

    private static String fencedGoldenText(String type) throws IOException {
        try (InputStream in = FencingTokensTest.class.getResourceAsStream("/golden/fenced/" + type + ".json")) {
            assertThat(in).as("golden/fenced/" + type + ".json").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
