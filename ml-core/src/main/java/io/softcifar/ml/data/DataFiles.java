package io.softcifar.ml.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small shared helpers of the data readers: existence checks, whole-file reads, number formatting. */
final class DataFiles {

    private DataFiles() {}

    /** Throws {@code "<file>: not found"} / {@code "<file>: is not a regular file"}. */
    static void requireRegularFile(Path file) {
        if (!Files.exists(file)) {
            throw InvalidDataException.forFile(file, "not found");
        }
        if (!Files.isRegularFile(file)) {
            throw InvalidDataException.forFile(file, "is not a regular file");
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read size: " + e.getMessage(), e);
        }
    }

    static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static void writeAllBytes(Path file, byte[] bytes) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** A double with at most 9 significant digits and no trailing zeros: 0.93, 1.0000001, NaN. */
    static String fmt(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(9)).stripTrailingZeros();
        double a = Math.abs(x);
        return a >= 1e-6 && a < 1e9 ? d.toPlainString() : d.toString();
    }
}
