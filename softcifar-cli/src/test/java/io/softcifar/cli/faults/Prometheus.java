package io.softcifar.cli.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads one counter from a service's {@code /q/metrics} (Prometheus text format), summed over matching series. */
final class Prometheus {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Prometheus() {}

    /**
     * The sum of every sample of {@code name} whose labels include every {@code name, value} pair of {@code labels};
     * 0 when there is none. Fails when the endpoint does not answer.
     */
    static double value(String baseUrl, String name, String... labels) {
        return io.softcifar.testsupport.PrometheusText.sum(scrape(baseUrl), name, labels)
                .orElse(0);
    }

    /** As {@link #value}, or -1 when the service does not answer (down, stopped, restarting). */
    static double valueOrMissing(String baseUrl, String name, String... labels) {
        try {
            return value(baseUrl, name, labels);
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private static String scrape(String serviceUrl) {
        // the metrics are on the service's management port (LocalStack: the HTTP port + 1000), unauthenticated
        URI service = URI.create(serviceUrl);
        String baseUrl = service.getScheme() + "://" + service.getHost() + ":"
                + io.softcifar.cli.stack.LocalStack.managementPort(service.getPort());
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(baseUrl + "/q/metrics answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(baseUrl + "/q/metrics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
