package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.util.Sha256;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Content-addressed dataset ids: {@code "ds-"} + the first 20 hex digits of the SHA-256 of
 * <pre>
 * {spec.canonicalJson()}\n
 * {file name} {sha256}\n        one line per input, sorted by file name
 * </pre>
 * The canonical JSON has the defaults applied and no source locations, and the inputs are identified by their
 * standard file name ({@code test_batch.bin}, {@code cifar10h-probs.npy}, …) and content, so the same data read from
 * another folder, a mirror or the official URL gives the same id. The CIFAR-10 test images count as
 * {@code test_batch.bin} even when taken out of the archive (its content, not the archive's, is hashed). The optional
 * {@code cifar10h-counts.npy} only cross-checks the probabilities and is left out. The id can be recomputed from a
 * manifest: its {@code spec} and its {@code inputs} other than the counts.
 */
public final class DatasetIds {

    public static final String PREFIX = "ds-";
    /** Hex digits of the SHA-256 in an id (80 bits). */
    public static final int HEX_DIGITS = 20;

    private DatasetIds() {}

    /**
     * The id of the dataset that {@code spec} builds from these (resolved, hashed) inputs.
     *
     * @throws io.softcifar.contracts.spec.InvalidSpecException if the spec is invalid
     */
    public static String compute(DatasetSpec spec, ResolvedInputs inputs) {
        Map<String, String> shas = new TreeMap<>();
        for (ResolvedInput i : inputs.all()) {
            if (i.input() != DatasetInput.CIFAR10H_COUNTS) {
                shas.put(i.input().fileName(), i.sha256());
            }
        }
        return of(spec.canonicalJson(), shas);
    }

    /**
     * The id, computed before anything is downloaded or hashed, when every input that enters it has a declared
     * SHA-256 (an explicit ref's {@code sha256}, or an official file that publishes one — the CIFAR-10H files). Empty
     * otherwise: a source with only an MD5 (the official CIFAR and SVHN files), a file in {@code sources.dir}, or the
     * test images taken out of the archive must be resolved first ({@link #compute}). When present it equals what
     * {@link #compute} gives after resolution, since resolution verifies the declared checksums.
     *
     * @param resolver the resolver (and so the source policy) the spec will be resolved with
     * @throws io.softcifar.ml.data.InvalidDataException if a source is missing or not allowed (as
     *     {@link SourceResolver#resolve})
     */
    public static Optional<String> fromDeclaredChecksums(SourceResolver resolver, DatasetSpec spec) {
        Map<String, String> shas = new TreeMap<>();
        boolean haveTest = false;
        boolean peterson =
                DatasetSpec.PROTOCOL_PETERSON.equals(spec.withDefaults().protocol());
        for (SourcePlanner.Planned p : resolver.plan(spec)) {
            if (p.input() == DatasetInput.CIFAR10H_COUNTS) {
                continue;
            }
            haveTest |= p.input() == DatasetInput.CIFAR10_TEST;
            if (p.input() == DatasetInput.CIFAR10_ARCHIVE && !peterson) {
                continue; // only test_batch.bin of it is used, whose checksum nobody declares
            }
            if (p.ref().sha256() == null) {
                return Optional.empty();
            }
            shas.put(p.input().fileName(), p.ref().sha256());
        }
        if (!haveTest) {
            return Optional.empty();
        }
        return Optional.of(of(spec.canonicalJson(), shas));
    }

    /** The id of a canonical spec JSON and (file name → SHA-256) of its inputs. */
    static String of(String canonicalSpecJson, Map<String, String> inputShas) {
        StringBuilder text = new StringBuilder(canonicalSpecJson).append('\n');
        new TreeMap<>(inputShas)
                .forEach(
                        (name, sha) -> text.append(name).append(' ').append(sha).append('\n'));
        return PREFIX + Sha256.hex(text.toString()).substring(0, HEX_DIGITS);
    }
}
