package io.softcifar.service.security;

import java.util.Locale;
import java.util.Set;

/**
 * What a credential may do: {@link #READ} views (GET, HEAD), {@link #SUBMIT} also changes state (submit, cancel,
 * retry, import, every other method).
 */
public enum Role {
    READ,
    SUBMIT;

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    /** True for a method that changes nothing (GET, HEAD, OPTIONS). */
    public static boolean safe(String method) {
        return SAFE.contains(method.toUpperCase(Locale.ROOT));
    }

    public boolean allows(String method) {
        return this == SUBMIT || safe(method);
    }

    /** {@code read} or {@code submit} (any case); null for anything else. */
    public static Role parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "read" -> READ;
            case "submit" -> SUBMIT;
            default -> null;
        };
    }

    /** The stronger of two roles (a token with both role claims may submit). */
    public static Role max(Role a, Role b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : (a.compareTo(b) >= 0 ? a : b); // declaration order = strength order
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
