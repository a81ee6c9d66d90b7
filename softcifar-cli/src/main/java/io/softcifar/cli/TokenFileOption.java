package io.softcifar.cli;

import io.softcifar.cli.stack.StackClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --token-file}: the API token a command sends to a service (a mixin of every command that calls one). */
final class TokenFileOption {

    @Option(names = "--token-file", paramLabel = "FILE")
    Path file;

    /** A client of {@code service} (named so in messages) at {@code url}, sending this token. */
    StackClient client(String url, String service) {
        return new StackClient(url, service, file);
    }
}
