package io.softcifar.dataset.imports;

import io.softcifar.contracts.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * MD5 and SHA-256 of a file, computed in one streaming pass; lower-case hex. (The published checksums of the CIFAR
 * archives are MD5, so this pass needs both; {@link Sha256} alone hashes everything else.)
 */
record Checksums(String md5, String sha256) {

    static Checksums of(Path file) {
        Hasher h = new Hasher();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                h.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return h.result();
    }

    /**
     * The first declared checksum that differs: {@code "expected sha256 X, got Y"} (SHA-256 is checked before MD5),
     * or null if every declared one matches. Null or blank declarations are not checked.
     */
    String mismatch(String expectedMd5, String expectedSha256) {
        if (isSet(expectedSha256) && !sha256.equals(expectedSha256.strip().toLowerCase(Locale.ROOT))) {
            return "expected sha256 " + expectedSha256.strip().toLowerCase(Locale.ROOT) + ", got " + sha256;
        }
        if (isSet(expectedMd5) && !md5.equals(expectedMd5.strip().toLowerCase(Locale.ROOT))) {
            return "expected md5 " + expectedMd5.strip().toLowerCase(Locale.ROOT) + ", got " + md5;
        }
        return null;
    }

    static boolean isSet(String s) {
        return s != null && !s.isBlank();
    }

    /** Incremental MD5 + SHA-256 (for hashing while downloading). */
    static final class Hasher {
        private final MessageDigest md5;
        private final MessageDigest sha256;

        Hasher() {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has MD5", e);
            }
            sha256 = Sha256.newDigest();
        }

        void update(byte[] b, int off, int len) {
            md5.update(b, off, len);
            sha256.update(b, off, len);
        }

        Checksums result() {
            return new Checksums(
                    HexFormat.of().formatHex(md5.digest()), HexFormat.of().formatHex(sha256.digest()));
        }
    }
}
