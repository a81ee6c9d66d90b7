package io.softcifar.contracts.metrics;

import java.util.regex.Pattern;

/**
 * One entry of the {@link MetricCatalogue}: a metric name or a family of names.
 *
 * @param name        the name, or a template with placeholders: {@code <set>} an OOD set name ({@code [a-z0-9]+},
 *                    e.g. svhn), {@code <eps>} an FGSM ε as ml-core prints it (plain decimal without trailing
 *                    zeros: 0, 0.005, 1), e.g. {@code ood/<set>_auroc}, {@code fgsm/<eps>_decrease}
 * @param label       a short column header, e.g. "ECE", "OOD AUROC"
 * @param direction   which way is better
 * @param description one line: what the number is
 * @param format      how to show it
 */
public record MetricDefinition(
        String name, String label, Direction direction, String description, MetricFormat format) {

    static final String SET = "<set>";
    static final String EPS = "<eps>";

    public MetricDefinition {
        for (String[] field : new String[][] {{"name", name}, {"label", label}, {"description", description}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new IllegalArgumentException(field[0] + ": must not be blank");
            }
        }
        if (direction == null || format == null) {
            throw new IllegalArgumentException("direction and format: must be given (" + name + ")");
        }
    }

    /** Whether {@link #name} holds a placeholder, i.e. stands for many names. */
    public boolean parameterised() {
        return name.contains(SET) || name.contains(EPS);
    }

    /** The names this entry stands for, as a regular expression (the name itself when not parameterised). */
    Pattern pattern() {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            if (name.startsWith(SET, i)) {
                regex.append("[a-z0-9]+");
                i += SET.length();
            } else if (name.startsWith(EPS, i)) {
                regex.append("[0-9]+(?:\\.[0-9]+)?");
                i += EPS.length();
            } else {
                int next = nextPlaceholder(i);
                regex.append(Pattern.quote(name.substring(i, next)));
                i = next;
            }
        }
        return Pattern.compile(regex.toString());
    }

    private int nextPlaceholder(int from) {
        int set = name.indexOf(SET, from);
        int eps = name.indexOf(EPS, from);
        int next = name.length();
        if (set >= 0) {
            next = Math.min(next, set);
        }
        if (eps >= 0) {
            next = Math.min(next, eps);
        }
        return next;
    }
}
