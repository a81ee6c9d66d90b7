package io.softcifar.storage;

import java.nio.charset.StandardCharsets;

/** The rules for keys and prefixes, checked before a request so a bad key fails with its value, not a 400. */
final class KeyRules {

    /** S3's limit, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    private KeyRules() {}

    static void requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Object key must not be blank");
        }
        requireRelative(key, "Object key");
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "Object key is longer than " + MAX_KEY_BYTES + " bytes: '" + key.substring(0, 40) + "…'");
        }
    }

    /** A listing prefix; empty means the whole bucket. */
    static void requirePrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("Prefix must not be null (use \"\" for the whole bucket)");
        }
        requireRelative(prefix, "Prefix");
    }

    static void requireFolderPrefix(String prefix) {
        requirePrefix(prefix);
        if (!prefix.endsWith("/") || prefix.length() < 2) {
            throw new IllegalArgumentException("deletePrefix needs a folder prefix ending with '/', e.g. 'runs/42/',"
                    + " got '" + prefix + "': without the slash 'runs/4' would also delete 'runs/42/…'");
        }
    }

    private static void requireRelative(String value, String what) {
        if (value.startsWith("/")) {
            throw new IllegalArgumentException(
                    what + " must not start with '/' (keys are relative to the bucket): '" + value + "'");
        }
    }
}
