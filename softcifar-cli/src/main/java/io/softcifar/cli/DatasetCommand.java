package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code softcifar dataset import}: a thin client of the running dataset-service. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Datasets of the running stack.",
        subcommands = {DatasetCommand.Import.class})
public final class DatasetCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a folder laid out like ../shared/data/cifar10h (test_batch.bin, cifar10h-probs.npy) "
                    + "through the dataset-service and print its manifest summary.")
    static final class Import implements Runnable {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the data folder")
        Path data;

        @Option(names = "--seeds", split = ",", defaultValue = "0", description = "split seeds (default: ${DEFAULT-VALUE})")
        List<Long> seeds;

        @Option(names = "--limit", description = "use only the first N images")
        Integer limit;

        @Option(names = "--url", defaultValue = "${env:SOFTCIFAR_DATASET_URL:-http://localhost:8081}",
                description = "dataset-service (default: ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--json", description = "print the whole dataset (with its manifest) as JSON")
        boolean json;

        @Override
        public void run() {
            if (!Files.isDirectory(data)) {
                throw new IllegalArgumentException("--data: " + data + " is not a folder");
            }
            ObjectNode body = JSON.createObjectNode();
            body.putObject("sources").put("dir", data.toAbsolutePath().normalize().toString());
            body.putPOJO("seeds", seeds);
            if (limit != null) {
                body.put("limit", limit);
            }
            JsonNode dataset = importAndWait(body);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(dataset.toPrettyString());
            } else {
                JsonNode stats = dataset.path("statistics");
                out.printf("dataset %s: %s%n", dataset.path("id").asText(), dataset.path("status").asText());
                out.printf("  images %d, mean soft-label entropy %.4f nats, %.2f%% not one-hot%n",
                        stats.path("images").asInt(), stats.path("meanEntropy").asDouble(),
                        100 * stats.path("fractionUncertain").asDouble());
                out.printf("  per class (official labels): %s%n", stats.path("officialClassCounts"));
                for (JsonNode seed : dataset.path("manifest").path("seeds")) {
                    JsonNode splits = seed.path("splits");
                    out.printf("  seed %d: train %d, validation %d, test %d%n", seed.path("seed").asLong(),
                            splits.path("train").path("count").asInt(), splits.path("validation").path("count").asInt(),
                            splits.path("test").path("count").asInt());
                }
            }
            out.flush();
        }

        private JsonNode importAndWait(ObjectNode body) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = url.replaceAll("/+$", "");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/datasets"))
                        .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode answer = JSON.readTree(response.body());
                if (response.statusCode() >= 400) {
                    throw new IllegalArgumentException(problems(answer));
                }
                while (response.statusCode() == 202 || "IMPORTING".equals(answer.path("status").asText())) {
                    Thread.sleep(2_000);
                    response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/datasets/"
                            + answer.path("id").asText())).GET().build(), HttpResponse.BodyHandlers.ofString());
                    answer = JSON.readTree(response.body());
                }
                if ("FAILED".equals(answer.path("status").asText())) {
                    throw new IllegalArgumentException(answer.path("reason").asText());
                }
                return answer;
            } catch (ConnectException e) {
                throw new IllegalStateException("cannot reach the dataset-service at " + base
                        + "; start the stack with ./softcifar up (or pass --url)");
            } catch (IOException e) {
                throw new IllegalStateException("dataset-service at " + base + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        private static String problems(JsonNode error) {
            StringBuilder sb = new StringBuilder(error.path("error").asText("request failed"));
            for (JsonNode p : error.path("problems")) {
                sb.append("; ").append(p.path("field").isNull() || p.path("field").isMissingNode() ? ""
                        : p.path("field").asText() + ": ").append(p.path("message").asText());
            }
            return sb.toString();
        }
    }
}
