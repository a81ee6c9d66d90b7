package io.softcifar.testsupport;

import java.util.OptionalDouble;

/**
 * Samples of Prometheus's text exposition format (what a service's {@code /q/metrics} serves), for assertions in
 * the services' integration tests.
 */
public final class PrometheusText {

    private PrometheusText() {}

    /**
     * The sum of the samples of {@code metric} whose labels include every given {@code name, value} pair; empty if
     * no sample matches (so a missing metric is not mistaken for a zero).
     *
     * @param labels label names and values, alternating: {@code "outcome", "finished"}
     */
    public static OptionalDouble sum(String exposition, String metric, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs, got " + labels.length + " strings");
        }
        boolean found = false;
        double sum = 0;
        for (String line : exposition.split("\n", -1)) {
            if (line.startsWith("#") || !line.startsWith(metric) || line.length() == metric.length()) {
                continue;
            }
            char next = line.charAt(metric.length());
            if (next != '{' && next != ' ') {
                continue; // another metric whose name starts with this one
            }
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                matches &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (matches) {
                sum += Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1).trim());
                found = true;
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
