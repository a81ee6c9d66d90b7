package io.softcifar.results.compare;

import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.metrics.MetricCatalogue;
import io.softcifar.contracts.metrics.MetricDefinition;
import io.softcifar.contracts.metrics.MetricFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A {@link Comparison} as text: Markdown and LaTeX in the layout of PROTOCOL.md's reference table
 * (configuration | accuracy % | OOD AUROC | ECE | FGSM attack decrease, plus n), and CSV with every metric.
 * The best value of each column is bold; missing runs are listed under the tables, then the provenance: each distinct
 * environment that trained or evaluated the runs (Markdown list, LaTeX comment lines; CSV columns).
 */
public final class ComparisonFormats {

    /**
     * A column of the reference table: the metric shown, its header and its display format, both from the metric's
     * entry in contracts' {@link MetricCatalogue} (header = label, then the unit: "accuracy %").
     */
    record Column(String header, String metric, MetricFormat format) {

        static Column of(String metric) {
            MetricDefinition d = MetricCatalogue.require(metric);
            String unit = d.format().unit();
            return new Column(unit.isEmpty() ? d.label() : d.label() + " " + unit, metric, d.format());
        }

        String latexHeader() {
            return escape(header);
        }
    }

    private ComparisonFormats() {}

    /**
     * The four columns of the reference table, bound to the metrics this comparison has: SVHN's max-logit AUROC and
     * ε = 0.005 as in PROTOCOL.md, else the first name of the same catalogue family (another set, another ε).
     */
    static List<Column> columns(Comparison c) {
        String ood = c.metrics().contains("ood/svhn_auroc")
                ? "ood/svhn_auroc"
                : first(c, "ood/<set>_auroc").orElse("ood/svhn_auroc");
        String fgsm = c.metrics().contains("fgsm/0.005_decrease")
                ? "fgsm/0.005_decrease"
                : first(c, "fgsm/<eps>_decrease").orElse("fgsm/0.005_decrease");
        return List.of(Column.of("test/accuracy"), Column.of(ood), Column.of("test/ece"), Column.of(fgsm));
    }

    private static Optional<String> first(Comparison c, String family) {
        return c.metrics().stream()
                .filter(m -> MetricCatalogue.lookup(m)
                        .filter(d -> d.name().equals(family))
                        .isPresent())
                .findFirst();
    }

    public static String markdown(Comparison c) {
        List<Column> columns = columns(c);
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(c.name()).append(" (").append(c.studyId()).append(")\n\n");
        sb.append("Test split, mean ± standard error over seeds; best per column in bold. ")
                .append(c.evaluated())
                .append(" of ")
                .append(c.runs())
                .append(" runs evaluated.\n\n");
        sb.append("| configuration |");
        columns.forEach(col -> sb.append(' ').append(col.header()).append(" |"));
        sb.append(" n |\n| --- |");
        columns.forEach(col -> sb.append(" --- |"));
        sb.append(" --- |\n");
        for (Comparison.Row row : c.configurations()) {
            sb.append("| ").append(row.label().replace("|", "\\|")).append(" |");
            for (Column col : columns) {
                String cell = cell(row, col, " ± ");
                boolean best = row.metrics().containsKey(col.metric())
                        && row.metrics().get(col.metric()).best();
                sb.append(' ').append(best ? "**" + cell + "**" : cell).append(" |");
            }
            sb.append(' ').append(row.n()).append(" |\n");
        }
        if (!c.missing().isEmpty()) {
            sb.append("\nMissing runs (").append(c.missing().size()).append("):\n\n");
            for (Comparison.MissingRun m : c.missing()) {
                sb.append("- `")
                        .append(m.runId())
                        .append("` (")
                        .append(m.label())
                        .append(", seed ")
                        .append(m.seed())
                        .append("): ")
                        .append(m.status());
                if (m.reason() != null) {
                    sb.append(" — ").append(m.reason());
                }
                sb.append('\n');
            }
        }
        if (!c.provenance().isEmpty()) {
            sb.append("\nProvenance (")
                    .append(c.provenance().size())
                    .append(c.provenance().size() == 1 ? " environment" : " environments")
                    .append("):\n\n");
            for (ProvenanceGroup g : c.provenance()) {
                sb.append("- ")
                        .append(g.footnote())
                        .append(": ")
                        .append(g.runIds().stream().map(id -> "`" + id + "`").collect(Collectors.joining(", ")))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    public static String latex(Comparison c) {
        List<Column> columns = columns(c);
        StringBuilder sb = new StringBuilder();
        sb.append("% ")
                .append(escape(c.name()))
                .append(" (")
                .append(escape(c.studyId()))
                .append(
                        "): test split, mean $\\pm$ standard error over seeds; best per column in bold; needs booktabs\n");
        sb.append("\\begin{tabular}{l").append("c".repeat(columns.size())).append("r}\n\\toprule\n");
        sb.append("configuration");
        columns.forEach(col -> sb.append(" & ").append(col.latexHeader()));
        sb.append(" & $n$ \\\\\n\\midrule\n");
        for (Comparison.Row row : c.configurations()) {
            sb.append(escape(row.label()));
            for (Column col : columns) {
                String cell = cell(row, col, " \\pm ");
                boolean best = row.metrics().containsKey(col.metric())
                        && row.metrics().get(col.metric()).best();
                if (cell.equals("—")) {
                    sb.append(" & --");
                } else {
                    sb.append(" & $")
                            .append(best ? "\\mathbf{" + cell + "}" : cell)
                            .append('$');
                }
            }
            sb.append(" & ").append(row.n()).append(" \\\\\n");
        }
        sb.append("\\bottomrule\n\\end{tabular}\n");
        if (!c.missing().isEmpty()) {
            sb.append("% missing runs (")
                    .append(c.missing().size())
                    .append("): ")
                    .append(c.missing().stream()
                            .map(m -> m.runId() + " " + m.status())
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        for (ProvenanceGroup g : c.provenance()) {
            sb.append("% provenance, ")
                    .append(escape(g.footnote()).replace("\n", " "))
                    .append(": ")
                    .append(escape(String.join(", ", g.runIds())))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The CSV header: the table's columns, then the provenance of the configuration's evaluated runs. */
    static final List<String> CSV_HEADER = List.of(
            "configuration",
            "configKey",
            "metric",
            "direction",
            "n",
            "mean",
            "std",
            "stdErr",
            "best",
            "missingRuns",
            "gitCommit",
            "djlVersion",
            "pytorchVersion",
            "device",
            "threads",
            "datasetManifestSha256",
            "configurationSha256");

    /**
     * Long format (RFC 4180, written by commons-csv: fields with commas, quotes or line breaks quoted, quotes doubled,
     * CRLF line ends), one record per configuration and metric (a configuration without evaluated runs gets one with
     * an empty metric); {@code missingRuns} lists the configuration's runs not in the numbers, space-separated. The
     * provenance columns hold the distinct values over the configuration's evaluated runs, training and evaluation
     * ({@code " | "}-separated when they differ; empty for runs from services without provenance):
     * {@code device} is "cpu MODEL" or "gpu NAME CUDA x.y"; {@code configurationSha256} is per run
     * ({@code runId=hash}, space-separated), as each seed's resolved configuration differs.
     */
    public static String csv(Comparison c) {
        StringBuilder sb = new StringBuilder();
        try (CSVPrinter out = new CSVPrinter(sb, CSVFormat.RFC4180)) {
            out.printRecord(CSV_HEADER);
            for (Comparison.Row row : c.configurations()) {
                String missing = c.missing().stream()
                        .filter(m -> m.configKey().equals(row.key()))
                        .map(Comparison.MissingRun::runId)
                        .collect(Collectors.joining(" "));
                List<String> provenance = provenanceFields(c, row);
                if (row.metrics().isEmpty()) {
                    List<String> f =
                            new ArrayList<>(List.of(row.label(), row.key(), "", "", "0", "", "", "", "", missing));
                    f.addAll(provenance);
                    out.printRecord(f);
                    continue;
                }
                for (Map.Entry<String, Comparison.Cell> e : row.metrics().entrySet()) {
                    Comparison.Cell cell = e.getValue();
                    List<String> f = new ArrayList<>(List.of(
                            row.label(),
                            row.key(),
                            e.getKey(),
                            c.directions().get(e.getKey()).name().toLowerCase(Locale.ROOT),
                            Integer.toString(cell.n()),
                            num(cell.mean()),
                            cell.std() == null ? "" : num(cell.std()),
                            cell.stdErr() == null ? "" : num(cell.stdErr()),
                            Boolean.toString(cell.best()),
                            missing));
                    f.addAll(provenance);
                    out.printRecord(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a StringBuilder does not fail", e);
        }
        return sb.toString();
    }

    /** The provenance columns of a row (see {@link #csv}). */
    private static List<String> provenanceFields(Comparison c, Comparison.Row row) {
        List<ProvenanceGroup> groups = c.provenance().stream()
                .filter(g -> g.runIds().stream().anyMatch(row.runIds()::contains))
                .toList();
        String hashes = groups.stream()
                .flatMap(g -> g.configurationSha256().entrySet().stream())
                .filter(e -> row.runIds().contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(row.runIds()::indexOf)))
                .map(e -> e.getKey() + "=" + e.getValue())
                .distinct()
                .collect(Collectors.joining(" "));
        return List.of(
                distinct(groups, g -> g.gitCommit() + (Boolean.TRUE.equals(g.gitDirty()) ? "-dirty" : "")),
                distinct(groups, ProvenanceGroup::djlVersion),
                distinct(groups, ProvenanceGroup::pytorchVersion),
                distinct(
                        groups,
                        g -> g.device() + " " + g.deviceName()
                                + (g.cudaVersion() == null ? "" : " CUDA " + g.cudaVersion())),
                distinct(groups, g -> Provenance.threadCount(g.threadsMin(), g.threads())),
                distinct(groups, g -> g.datasetManifestSha256() == null ? "" : g.datasetManifestSha256()),
                hashes);
    }

    private static String distinct(List<ProvenanceGroup> groups, Function<ProvenanceGroup, String> field) {
        return groups.stream().map(field).filter(v -> !v.isEmpty()).distinct().collect(Collectors.joining(" | "));
    }

    private static String cell(Comparison.Row row, Column col, String pm) {
        Comparison.Cell cell = row.metrics().get(col.metric());
        if (cell == null) {
            return "—";
        }
        String mean = col.format().value(cell.mean());
        if (cell.stdErr() == null) {
            return mean;
        }
        return mean + pm + col.format().error(cell.stdErr());
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> sb.append('\\').append(ch);
                case '~' -> sb.append("\\textasciitilde{}");
                case '^' -> sb.append("\\textasciicircum{}");
                case 'α' -> sb.append("$\\alpha$");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
