package io.softcifar.cli;

import io.softcifar.ml.model.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --precision fp32|bf16} of the commands that train or evaluate a model here: one declaration and one parse
 * (a bad value: "precision: unknown 'x' (expected one of fp32, bf16)"); each command keeps its own help text.
 */
final class PrecisionOption {

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16")
    String text;

    /** The precision named, or an {@link IllegalArgumentException} naming the choices. */
    Precision value() {
        return Precision.of(text);
    }

    /** Its canonical id ({@code fp32}, {@code bf16}), as the peer scripts and the JSON reports take it. */
    String id() {
        return value().id();
    }
}
