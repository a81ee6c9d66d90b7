package io.softcifar.ml.train;

import java.util.Locale;

/** What a run trains on: the CIFAR-10H distributions, or their argmax one-hot. Evaluation always uses hard labels. */
public enum LabelMode {
    SOFT,
    HARD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LabelMode parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "soft" -> SOFT;
            case "hard" -> HARD;
            default -> throw new IllegalArgumentException("unknown label mode '" + text + "' (expected soft or hard)");
        };
    }
}
