package io.softcifar.service.security;

import io.softcifar.contracts.util.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys a service accepts, read from a keys file ({@code softcifar.auth.keys-file}, a Kubernetes Secret in the
 * cluster). One key a line, {@code NAME ROLE SHA256}: a name for logs, {@code read} or {@code submit}, and the
 * lower-case hex SHA-256 of the key as sent in {@code Authorization: Bearer <key>}; {@code #} starts a comment. The
 * file holds no key itself, and a presented key is hashed and compared with every entry in constant time.
 */
public final class ApiKeys {

    /** One accepted key: its name, role and SHA-256. */
    public record Entry(String name, Role role, byte[] sha256) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    /** Reads {@code file}; a bad line fails naming the file, the line and the problem. */
    public static ApiKeys read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("softcifar.auth.keys-file: cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "softcifar.auth.keys-file " + file + " line " + (i + 1) + ": ";
            String[] parts = line.split("\\s+", -1);
            if (parts.length != 3) {
                throw new IllegalStateException(where + "expected 'NAME ROLE SHA256', got " + parts.length + " fields");
            }
            Role role = Role.parse(parts[1]);
            if (role == null) {
                throw new IllegalStateException(where + "role must be read or submit, got '" + parts[1] + "'");
            }
            if (!parts[2].matches("[0-9a-f]{64}")) {
                throw new IllegalStateException(where + "the SHA-256 must be 64 lower-case hex digits");
            }
            entries.add(new Entry(parts[0], role, HexFormat.of().parseHex(parts[2])));
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("softcifar.auth.keys-file " + file + ": no key in the file");
        }
        return new ApiKeys(entries);
    }

    /** The entry whose hash is the key's, or null; every entry is compared, each in constant time. */
    public Entry match(String key) {
        byte[] hash = sha256(key);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(hash, e.sha256()) && found == null) {
                found = e;
            }
        }
        return found;
    }

    /** The lower-case hex SHA-256 of a key's UTF-8 bytes, as the keys file holds it. */
    public static String sha256Hex(String key) {
        return Sha256.hex(key);
    }

    /** The line of the keys file for a key. */
    public static String line(String name, Role role, String key) {
        return name + " " + role.label() + " " + sha256Hex(key);
    }

    /** A new random key: 32 bytes from {@link SecureRandom}, URL-safe base64 without padding. */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String text) {
        return Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
