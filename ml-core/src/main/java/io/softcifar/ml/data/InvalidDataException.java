package io.softcifar.ml.data;

import io.softcifar.contracts.errors.SoftcifarException;
import java.nio.file.Path;

/**
 * A data file (or an argument describing data) is missing, malformed or inconsistent.
 *
 * <p>Every message is one line that starts with the file (or field) it is about, followed by a colon and
 * the problem, e.g. {@code "cifar10h-probs.npy: row 17 sums to 0.93 (expected 1 ± 1e-6)"} or
 * {@code "trainFrac: 1.2 is not in (0, 1)"}.
 */
public class InvalidDataException extends SoftcifarException {

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<file>: <problem>"}. */
    public static InvalidDataException forFile(Path file, String problem) {
        return new InvalidDataException(file + ": " + problem);
    }

    /** {@code "<file>: <problem>"}, keeping the underlying cause. */
    public static InvalidDataException forFile(Path file, String problem, Throwable cause) {
        return new InvalidDataException(file + ": " + problem, cause);
    }

    /** {@code "<field>: <problem>"} for an invalid argument such as a split fraction. */
    public static InvalidDataException forField(String field, String problem) {
        return new InvalidDataException(field + ": " + problem);
    }
}
