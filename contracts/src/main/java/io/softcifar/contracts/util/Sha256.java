package io.softcifar.contracts.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 (FIPS 180-4) as 64 lower-case hex digits: of text (its UTF-8 bytes), bytes, a stream or a file. The one place
 * that hashes: content addresses of specs and configurations, shard and manifest checksums, checkpoint and artifact
 * digests.
 */
public final class Sha256 {

    private static final int BUFFER = 1 << 16;

    private Sha256() {}

    /** A fresh SHA-256 digest, for hashing while copying (e.g. with a {@link java.security.DigestInputStream}). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** SHA-256 of what is left in {@code in}, read to its end; the stream is not closed. */
    public static String hex(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * SHA-256 of a file's content, streamed.
     *
     * @throws UncheckedIOException "{@code <file>: cannot read: <reason>}" when the file cannot be read
     */
    public static String ofFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
