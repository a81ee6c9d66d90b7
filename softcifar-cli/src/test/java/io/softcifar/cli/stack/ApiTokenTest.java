package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token {@code up} keeps in its home and the keys file it gives the services. */
class ApiTokenTest {

    @Test
    void aNewTokenIsPrivateRandomAndItsHashIsInTheKeysFile(@TempDir Path home) throws Exception {
        Path keys = ApiToken.ensure(home);
        Path token = home.resolve("api-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
                .isEqualTo("rw-------");
        String value = Files.readString(token).strip();
        // 32 random bytes, URL-safe base64 without padding: 43 characters
        assertThat(value).matches("[A-Za-z0-9_-]{43}");
        assertThat(Files.readAllLines(keys))
                .filteredOn(l -> !l.startsWith("#"))
                .singleElement()
                .asString()
                .matches("local-cli submit [0-9a-f]{64}");
        // a second start keeps the token (scripts holding it keep working)
        ApiToken.ensure(home);
        assertThat(Files.readString(token).strip()).isEqualTo(value);
        assertThat(ApiToken.find(token)).isEqualTo(value);
    }

    @Test
    void anExistingTokenIsKeptAndHashedAsSha256(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("api-token"), "abc\n");
        Files.setPosixFilePermissions(home.resolve("api-token"), PosixFilePermissions.fromString("rw-r--r--"));
        Path keys = ApiToken.ensure(home);
        // SHA-256("abc") from FIPS 180-2, appendix B.1
        assertThat(Files.readString(keys))
                .contains("local-cli submit ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("api-token"))))
                .as("made private again")
                .isEqualTo("rw-------");
    }
}
