package io.softcifar.cli.stack;

import io.softcifar.contracts.util.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local stack's credential (docs/security.md, "Authentication"). {@code up} and {@code demo} keep a token with
 * the submit role in {@code <home>/api-token} (mode 0600; drawn at random on the first start, kept after) and its
 * SHA-256 in {@code <home>/api-keys}, the keys file the services read (service-common {@code ApiKeys} format,
 * {@code NAME ROLE SHA256}). Every CLI command that calls a service sends it as {@code Authorization: Bearer}, found
 * in this order: {@code --token-file FILE}, the environment variable {@value #ENV_FILE}, a stack started by this
 * same process, {@code ~/.softcifar/api-token}.
 */
public final class ApiToken {

    public static final String FILE_NAME = "api-token";
    public static final String KEYS_FILE_NAME = "api-keys";
    public static final String ENV_FILE = "SOFTCIFAR_TOKEN_FILE";

    private static volatile String startedHere;

    private ApiToken() {}

    /**
     * The token of {@code home}, written (0600) if there is none yet, and the keys file next to it (0600); the
     * token is then the one of this process's stack too. Returns the keys file.
     */
    static Path ensure(Path home) {
        Path tokenFile = home.resolve(FILE_NAME);
        Path keysFile = home.resolve(KEYS_FILE_NAME);
        try {
            Files.createDirectories(home);
            String token = Files.isRegularFile(tokenFile) ? read(tokenFile) : null;
            if (token == null || token.isEmpty()) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                writePrivate(tokenFile, token + "\n");
            } else {
                Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
            }
            writePrivate(
                    keysFile,
                    "# written by ./softcifar up: the SHA-256 of " + tokenFile + "\n" + "local-cli submit "
                            + Sha256.hex(token) + "\n");
            startedHere = token;
            return keysFile;
        } catch (IOException e) {
            throw new UncheckedIOException(home + ": cannot write the API token: " + e.getMessage(), e);
        }
    }

    /** The token to send, or null (the service then answers 401 with what to do). */
    public static String find(Path tokenFile) {
        try {
            if (tokenFile != null) {
                return read(tokenFile);
            }
            String env = System.getenv(ENV_FILE);
            if (env != null && !env.isBlank()) {
                return read(Path.of(env));
            }
            if (startedHere != null) {
                return startedHere;
            }
            Path home = StackPaths.home(null).resolve(FILE_NAME);
            return Files.isReadable(home) ? read(home) : null;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--token-file / " + ENV_FILE + ": cannot read the API token: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
