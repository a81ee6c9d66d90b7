package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums an operator profile written as a Chrome trace (libtorch's, through DJL, and torch.profiler's have the same
 * shape: complete events {@code "ph": "X"} with a name and a duration in microseconds) into inclusive milliseconds a
 * step per operator.
 */
final class ChromeTraces {

    private ChromeTraces() {}

    /** Inclusive milliseconds per step of every operator name in the trace ({@code steps} steps profiled). */
    static Map<String, Double> millisecondsPerStep(Path trace, int steps) throws IOException {
        JsonNode root = Json.MAPPER.readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, Double> sums = new TreeMap<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.hasNonNull("dur") && e.hasNonNull("name")) {
                sums.merge(e.get("name").asText(), e.get("dur").asDouble() / 1000.0 / steps, Double::sum);
            }
        }
        return sums;
    }

    /**
     * The {@code n} most expensive ATen operators and autograd nodes of either side, each with both sides' figures
     * (0 where a side has no such operator), in descending order of the larger one.
     */
    static Map<String, List<Double>> sideBySide(Map<String, Double> ours, Map<String, Double> theirs, int n) {
        Map<String, List<Double>> all = new TreeMap<>();
        for (String name : ours.keySet()) {
            all.put(name, List.of(ours.get(name), theirs.getOrDefault(name, 0.0)));
        }
        for (String name : theirs.keySet()) {
            all.putIfAbsent(name, List.of(ours.getOrDefault(name, 0.0), theirs.get(name)));
        }
        Map<String, List<Double>> top = new LinkedHashMap<>();
        all.entrySet().stream()
                .filter(e -> e.getKey().startsWith("aten::") || e.getKey().endsWith("Backward0"))
                .sorted((a, b) -> Double.compare(
                        Math.max(b.getValue().get(0), b.getValue().get(1)),
                        Math.max(a.getValue().get(0), a.getValue().get(1))))
                .limit(n)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }
}
