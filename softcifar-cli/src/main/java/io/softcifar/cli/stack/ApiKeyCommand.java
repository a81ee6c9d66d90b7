package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./softcifar api-key}: the token and keys file {@code up} would use, without starting anything — for compose
 * ({@code SOFTCIFAR_API_KEYS}) or a Kubernetes Secret ({@code kubectl create secret generic softcifar-api-keys
 * --from-file=api-keys=DIR/api-keys}).
 */
@Command(
        name = "api-key",
        description =
                "Write an API token with the submit role "
                        + "(DIR/api-token, mode 0600; kept if it exists) and the services' keys file with its SHA-256 (DIR/api-keys).")
public final class ApiKeyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR")
    Path home;

    @Override
    public void run() {
        Path dir = StackPaths.home(home);
        Path keys = ApiToken.ensure(dir);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "token:     %s (mode 0600; the CLI reads it with --token-file or $%s)%n",
                dir.resolve(ApiToken.FILE_NAME), ApiToken.ENV_FILE);
        out.printf("keys file: %s (softcifar.auth.keys-file of the services)%n", keys);
        out.flush();
    }
}
