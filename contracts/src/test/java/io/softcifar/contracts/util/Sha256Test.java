package io.softcifar.contracts.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published test vectors of FIPS 180-2 (appendix B) and the empty message, through every entry point. */
class Sha256Test {

    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** FIPS 180-2 B.1: "abc". */
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /** FIPS 180-2 B.2: the 448-bit two-block message. */
    static final String TWO_BLOCK_MESSAGE = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    static final String TWO_BLOCKS = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    /** FIPS 180-2 B.3: one million 'a'. */
    static final String MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    @Test
    void textAndBytesGiveThePublishedDigests() {
        assertThat(Sha256.hex("")).isEqualTo(EMPTY);
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
        assertThat(Sha256.hex(TWO_BLOCK_MESSAGE)).isEqualTo(TWO_BLOCKS);
    }

    @Test
    void aStreamLongerThanTheBufferIsHashedWhole() throws IOException {
        byte[] million = new byte[1_000_000];
        Arrays.fill(million, (byte) 'a');
        // a stream that hands out at most 1000 bytes per read: the digest must not depend on how reads split it
        InputStream trickle = new ByteArrayInputStream(million) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        assertThat(Sha256.hex(trickle)).isEqualTo(MILLION_A);
        assertThat(Sha256.hex(million)).isEqualTo(MILLION_A);
    }

    @Test
    void aFileIsHashedByContent(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("m.txt"), "a".repeat(1_000_000), StandardCharsets.US_ASCII);
        assertThat(Sha256.ofFile(file)).isEqualTo(MILLION_A);
        assertThat(Sha256.ofFile(Files.createFile(dir.resolve("empty")))).isEqualTo(EMPTY);
    }

    @Test
    void aMissingFileIsNamedInTheError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.bin");
        assertThatThrownBy(() -> Sha256.ofFile(missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(missing + ": cannot read: ");
    }
}
