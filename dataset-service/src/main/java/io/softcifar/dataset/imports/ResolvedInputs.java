package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetInput;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs {@link SourceResolver} found for a spec, by input. {@link DatasetInput#CIFAR10_TEST} is absent when the
 * test images are to be taken from {@link DatasetInput#CIFAR10_ARCHIVE}; {@link DatasetInput#CIFAR10H_COUNTS} is
 * present only when given (explicitly or in {@code sources.dir}).
 */
public record ResolvedInputs(Map<DatasetInput, ResolvedInput> byInput) {

    public ResolvedInputs {
        Map<DatasetInput, ResolvedInput> copy = new EnumMap<>(DatasetInput.class);
        copy.putAll(byInput);
        byInput = Collections.unmodifiableMap(copy);
    }

    public static ResolvedInputs of(List<ResolvedInput> inputs) {
        Map<DatasetInput, ResolvedInput> m = new EnumMap<>(DatasetInput.class);
        for (ResolvedInput i : inputs) {
            if (m.put(i.input(), i) != null) {
                throw new IllegalArgumentException(i.field() + " is given twice");
            }
        }
        return new ResolvedInputs(m);
    }

    public Optional<ResolvedInput> get(DatasetInput input) {
        return Optional.ofNullable(byInput.get(input));
    }

    /** The input, which the builder needs. */
    ResolvedInput require(DatasetInput input) {
        ResolvedInput r = byInput.get(input);
        if (r == null) {
            throw new IllegalArgumentException("sources." + input.property() + ": not resolved (resolve the spec with"
                    + " SourceResolver before building)");
        }
        return r;
    }

    /** All of them, in {@link DatasetInput} order. */
    public List<ResolvedInput> all() {
        return List.copyOf(byInput.values());
    }
}
