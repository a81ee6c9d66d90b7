package io.softcifar.results.compare;

import io.softcifar.contracts.Nullable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A study's runs grouped by configuration, with mean ± standard error over seeds per metric, the best configuration
 * per metric (direction-aware) and every run that is not in the numbers yet. Only runs that finished <em>and</em>
 * were evaluated count; the others are listed in {@link #missing}, never silently dropped.
 *
 * @param studyId        the study
 * @param name           its name
 * @param metrics        every metric name seen, sorted
 * @param directions     metric → which way is better
 * @param configurations one row per configuration, in grid order (rows with n = 0 included)
 * @param best           metric → key of the best configuration (metrics of unknown direction have none)
 * @param missing        runs not (yet) in the numbers, with their status and why
 * @param runs           runs of the study
 * @param evaluated      runs in the numbers
 * @param softVsHard     per pair of configurations differing only in the label mode: soft − hard per metric, paired
 *                       by seed, with a t-test from {@value PairedDifference#MIN_SEEDS} common seeds on
 * @param display        metric → how pages show it (label, description, scale and decimals; metric catalogue)
 * @param provenance     each distinct environment (code, libraries, device, threads, dataset manifest) that trained
 *                       or evaluated the runs in the numbers, with the runs it covers
 */
public record Comparison(
        String studyId,
        String name,
        List<String> metrics,
        Map<String, MetricDirection> directions,
        List<Row> configurations,
        Map<String, String> best,
        List<MissingRun> missing,
        int runs,
        int evaluated,
        List<SoftVsHard> softVsHard,
        Map<String, MetricDisplay> display,
        List<ProvenanceGroup> provenance) {

    /** One configuration. {@code n} = evaluated runs (seeds) in it. */
    public record Row(
            String key, String label, int n, List<Long> seeds, List<String> runIds, Map<String, Cell> metrics) {}

    /** One metric of one configuration: {@link SeedStats} plus whether it is the best of its metric. */
    public record Cell(
            int n,
            double mean,
            @Nullable Double std,
            @Nullable Double stdErr,
            boolean best) {}

    public record MissingRun(
            String runId,
            String configKey,
            String label,
            long seed,
            String status,
            @Nullable String reason) {}

    public static Comparison of(ComparisonInput input) {
        Map<String, String> labels = new LinkedHashMap<>();
        input.configurations().forEach(c -> labels.put(c.key(), c.label()));
        input.runs().forEach(r -> labels.putIfAbsent(r.configKey(), r.configKey()));

        TreeSet<String> metricNames = new TreeSet<>();
        input.runs().stream()
                .filter(r -> r.metrics() != null)
                .forEach(r -> metricNames.addAll(r.metrics().keySet()));
        Map<String, MetricDirection> directions = new LinkedHashMap<>();
        metricNames.forEach(m -> directions.put(m, MetricDirection.of(m)));

        Map<String, Map<String, SeedStats>> stats = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        List<MissingRun> missing = new ArrayList<>();
        int evaluated = 0;
        for (Map.Entry<String, String> config : labels.entrySet()) {
            List<ComparisonInput.Run> runs = runsOf(input, config.getKey());
            List<ComparisonInput.Run> done = withMetrics(runs);
            evaluated += done.size();
            runs.stream()
                    .filter(r -> r.metrics() == null)
                    .forEach(r -> missing.add(new MissingRun(
                            r.runId(), r.configKey(), config.getValue(), r.seed(), r.status(), r.reason())));
            Map<String, SeedStats> perMetric = new LinkedHashMap<>();
            for (String metric : metricNames) {
                List<Double> values = done.stream()
                        .map(r -> r.metrics().get(metric))
                        .filter(v -> v != null && Double.isFinite(v))
                        .toList();
                if (!values.isEmpty()) {
                    perMetric.put(metric, SeedStats.of(values));
                }
            }
            stats.put(config.getKey(), perMetric);
        }
        Map<String, String> best = new LinkedHashMap<>();
        for (String metric : metricNames) {
            MetricDirection direction = directions.get(metric);
            String bestKey = null;
            double bestMean = 0;
            for (Map.Entry<String, Map<String, SeedStats>> e : stats.entrySet()) {
                SeedStats s = e.getValue().get(metric);
                if (s != null
                        && direction != MetricDirection.UNKNOWN
                        && (bestKey == null || direction.better(s.mean(), bestMean))) {
                    bestKey = e.getKey();
                    bestMean = s.mean();
                }
            }
            if (bestKey != null) {
                best.put(metric, bestKey);
            }
        }
        for (Map.Entry<String, String> config : labels.entrySet()) {
            List<ComparisonInput.Run> runs = runsOf(input, config.getKey());
            List<ComparisonInput.Run> done = withMetrics(runs);
            Map<String, Cell> cells = new LinkedHashMap<>();
            stats.get(config.getKey())
                    .forEach((metric, s) -> cells.put(
                            metric,
                            new Cell(
                                    s.n(),
                                    s.mean(),
                                    s.std(),
                                    s.stdErr(),
                                    config.getKey().equals(best.get(metric)))));
            rows.add(new Row(
                    config.getKey(),
                    config.getValue(),
                    done.size(),
                    done.stream().map(ComparisonInput.Run::seed).sorted().toList(),
                    runs.stream().map(ComparisonInput.Run::runId).toList(),
                    cells));
        }
        List<SoftVsHard> pairs = new ArrayList<>();
        for (ComparisonInput.Pair pair : input.pairs()) {
            List<PairedDifference> differences = new ArrayList<>();
            for (String metric : metricNames) {
                differences.add(PairedDifference.of(
                        metric, bySeed(input, pair.softKey(), metric), bySeed(input, pair.hardKey(), metric)));
            }
            pairs.add(new SoftVsHard(pair.label(), pair.softKey(), pair.hardKey(), differences));
        }
        return new Comparison(
                input.studyId(),
                input.name(),
                List.copyOf(metricNames),
                directions,
                rows,
                best,
                missing,
                input.runs().size(),
                evaluated,
                pairs,
                display(metricNames),
                ProvenanceGroup.of(input.runs()));
    }

    private static Map<String, MetricDisplay> display(Iterable<String> metrics) {
        Map<String, MetricDisplay> display = new LinkedHashMap<>();
        metrics.forEach(m -> display.put(m, MetricDisplay.of(m)));
        return display;
    }

    private static List<ComparisonInput.Run> runsOf(ComparisonInput input, String configKey) {
        return input.runs().stream()
                .filter(r -> r.configKey().equals(configKey))
                .toList();
    }

    private static List<ComparisonInput.Run> withMetrics(List<ComparisonInput.Run> runs) {
        return runs.stream().filter(r -> r.metrics() != null).toList();
    }

    private static Map<Long, Double> bySeed(ComparisonInput input, String configKey, String metric) {
        Map<Long, Double> values = new LinkedHashMap<>();
        input.runs().stream()
                .filter(r -> r.configKey().equals(configKey)
                        && r.metrics() != null
                        && r.metrics().get(metric) != null)
                .forEach(r -> values.put(r.seed(), r.metrics().get(metric)));
        return values;
    }
}
