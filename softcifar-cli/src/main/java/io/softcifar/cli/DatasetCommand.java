package io.softcifar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.cli.stack.StackClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code softcifar dataset import}: a thin client of the running dataset-service. */
@Command(
        name = "dataset",
        description = "Datasets of the running stack.",
        subcommands = {DatasetCommand.Import.class})
public final class DatasetCommand extends ParentCommand {

    /** POSTs a dataset spec and waits while it imports; the dataset (with its manifest) when READY. */
    public static JsonNode importDataset(StackClient client, JsonNode spec) {
        JsonNode answer = client.post("/api/datasets", spec).body();
        while ("IMPORTING".equals(answer.path("status").asText())) {
            sleep(2_000);
            answer = client.get("/api/datasets/" + answer.path("id").asText());
        }
        if ("FAILED".equals(answer.path("status").asText())) {
            throw new IllegalArgumentException(answer.path("reason").asText());
        }
        return answer;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Command(
            name = "import",
            description = "Import a folder laid out like ../shared/data/cifar10h (test_batch.bin, cifar10h-probs.npy) "
                    + "through the dataset-service and print its manifest summary.")
    static final class Import implements Runnable {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR")
        Path data;

        @Option(names = "--seeds", split = ",", defaultValue = "0")
        List<Long> seeds;

        @Option(names = "--limit")
        Integer limit;

        @Option(names = "--url", defaultValue = "${env:SOFTCIFAR_DATASET_URL:-http://localhost:8081}")
        String url;

        @Mixin
        TokenFileOption token;

        @Option(names = "--json")
        boolean json;

        @Override
        public void run() {
            Folders.require("--data", data);
            ObjectNode body = JSON.createObjectNode();
            body.putObject("sources")
                    .put("dir", data.toAbsolutePath().normalize().toString());
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
                out.printf(
                        "dataset %s: %s%n",
                        dataset.path("id").asText(), dataset.path("status").asText());
                out.printf(
                        "  images %d, mean soft-label entropy %.4f nats, %.2f%% not one-hot%n",
                        stats.path("images").asInt(),
                        stats.path("meanEntropy").asDouble(),
                        100 * stats.path("fractionUncertain").asDouble());
                out.printf("  per class (official labels): %s%n", stats.path("officialClassCounts"));
                for (JsonNode seed : dataset.path("manifest").path("seeds")) {
                    JsonNode splits = seed.path("splits");
                    out.printf(
                            "  seed %d: train %d, validation %d, test %d%n",
                            seed.path("seed").asLong(),
                            splits.path("train").path("count").asInt(),
                            splits.path("validation").path("count").asInt(),
                            splits.path("test").path("count").asInt());
                }
            }
            out.flush();
        }

        private JsonNode importAndWait(ObjectNode body) {
            return importDataset(token.client(url, "dataset-service"), body);
        }
    }
}
