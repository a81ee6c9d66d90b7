package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeTracesTest {

    /**
     * Two steps; aten::convolution runs 1,000 + 3,000 µs in all = 2 ms a step; ConvolutionBackward0 6,000 µs = 3 ms a
     * step; an instant event ("ph": "i") and an event without a duration are not operators' time.
     */
    @Test
    void sumsCompleteEventsPerOperatorAndStep(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.json");
        Files.writeString(trace, """
                {"traceEvents": [
                  {"ph": "X", "name": "aten::convolution", "dur": 1000},
                  {"ph": "X", "name": "aten::convolution", "dur": 3000},
                  {"ph": "X", "name": "ConvolutionBackward0", "dur": 6000},
                  {"ph": "i", "name": "aten::convolution", "dur": 99999},
                  {"ph": "X", "name": "aten::relu"}
                ]}""");
        Map<String, Double> ms = ChromeTraces.millisecondsPerStep(trace, 2);
        assertThat(ms).containsOnlyKeys("aten::convolution", "ConvolutionBackward0");
        assertThat(ms.get("aten::convolution")).isCloseTo(2.0, within(1e-12));
        assertThat(ms.get("ConvolutionBackward0")).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void sideBySideKeepsTheLargestOperatorsOfEitherSideWithZerosForMissingOnes() {
        Map<String, Double> ours = Map.of("aten::a", 5.0, "aten::b", 1.0, "python#x", 50.0);
        Map<String, Double> theirs = Map.of("aten::a", 4.0, "aten::c", 7.0, "XBackward0", 2.0);
        Map<String, List<Double>> top = ChromeTraces.sideBySide(ours, theirs, 3);
        assertThat(top.keySet()).containsExactly("aten::c", "aten::a", "XBackward0");
        assertThat(top.get("aten::c")).containsExactly(0.0, 7.0);
        assertThat(top.get("aten::a")).containsExactly(5.0, 4.0);
    }
}
