package io.softcifar.cli;

import io.softcifar.cli.stack.StackClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --url} and {@code --token-file}: where the results-service answers and the token it is sent. */
final class ResultsService {

    @Option(names = "--url", defaultValue = "${env:SOFTCIFAR_RESULTS_URL:-http://localhost:8080}")
    String url;

    @Mixin
    TokenFileOption token;

    StackClient client() {
        return token.client(url, "results-service");
    }
}
