package io.softcifar.ml.eval;

import io.softcifar.ml.data.Cifar100Binary;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SvhnMat;
import io.softcifar.ml.metrics.MetricNames;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The out-of-distribution sets the evaluator knows, by name, and their official file formats:
 *
 * <ul>
 *   <li>{@value MetricNames#OOD_SET_SVHN}: SVHN cropped digits, {@code test_32x32.mat} (MAT v5, {@code X} uint8
 *       32×32×3×N), read by {@link SvhnMat};
 *   <li>{@value MetricNames#OOD_SET_CIFAR100}: CIFAR-100 {@code test.bin} (binary version, records of 3074 bytes),
 *       read by {@link Cifar100Binary}.
 * </ul>
 */
public final class OodSets {

    /** The allowed names, in report order. */
    public static final List<String> NAMES = List.of(MetricNames.OOD_SET_SVHN, MetricNames.OOD_SET_CIFAR100);

    private OodSets() {}

    /**
     * Parses {@code "svhn=FILE,cifar100=FILE"} (either or both, any order) into name → file, keeping the order given.
     *
     * @throws IllegalArgumentException {@code "ood: ..."} for an unknown name, a missing {@code =FILE}, or a name
     *     given twice
     */
    public static Map<String, Path> parse(String spec) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new IllegalArgumentException(
                        "ood: '" + item + "' is not NAME=FILE (e.g. svhn=test_32x32.mat," + "cifar100=test.bin)");
            }
            String name = requireKnown(item.substring(0, eq));
            if (out.put(name, Path.of(item.substring(eq + 1).strip())) != null) {
                throw new IllegalArgumentException("ood: " + name + " is given twice");
            }
        }
        return out;
    }

    /** The canonical (lower-case) name if it is a known OOD set. */
    public static String requireKnown(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(key)) {
            throw new IllegalArgumentException(
                    "ood: unknown OOD set '" + name + "' (expected " + String.join(" or ", NAMES) + ")");
        }
        return key;
    }

    /**
     * Reads the file of a named OOD set in that set's official format.
     *
     * @throws io.softcifar.ml.data.InvalidDataException naming the file if it is missing or not in that format (for
     *     example a file of the wrong shape)
     */
    public static LabeledImages load(String name, Path file) {
        return switch (requireKnown(name)) {
            case MetricNames.OOD_SET_SVHN -> SvhnMat.read(file);
            case MetricNames.OOD_SET_CIFAR100 -> Cifar100Binary.read(file);
            default -> throw new IllegalStateException(name);
        };
    }

    /** {@link #load} of every entry of a {@link #parse}d map, in its order. */
    public static Map<String, LabeledImages> loadAll(Map<String, Path> files) {
        Map<String, LabeledImages> out = new LinkedHashMap<>();
        files.forEach((name, file) -> out.put(requireKnown(name), load(name, file)));
        return out;
    }
}
