package io.softcifar.ml.train;

import java.util.Locale;

/**
 * Batch mixing: Mixup or CutMix applied to a batch with probability q, mixing weight λ ~ Beta(α, α). Never both.
 *
 * @param kind none, mixup or cutmix
 * @param alpha α of the Beta distribution (> 0)
 * @param probability q, the chance that a batch is mixed, in [0, 1]
 */
public record Mixing(Kind kind, double alpha, double probability) {

    public enum Kind {
        NONE,
        MIXUP,
        CUTMIX
    }

    public static final Mixing NONE = new Mixing(Kind.NONE, 1.0, 0.0);

    public Mixing {
        if (kind == null) {
            throw new IllegalArgumentException("mixing kind: required");
        }
        if (kind != Kind.NONE) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException(name + ": α must be > 0, got " + alpha);
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException(name + ": q must be in [0, 1], got " + probability);
            }
        }
    }

    /** Parses "α:q" as given to {@code --mixup} / {@code --cutmix}. */
    public static Mixing parse(Kind kind, String text) {
        String flag = "--" + kind.name().toLowerCase(Locale.ROOT);
        String[] parts = text == null ? new String[0] : text.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException(flag + ": expected α:q (e.g. 0.2:0.15), got '" + text + "'");
        }
        try {
            return new Mixing(kind, Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": α and q must be numbers, got '" + text + "'");
        }
    }
}
