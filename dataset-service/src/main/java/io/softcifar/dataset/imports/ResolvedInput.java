package io.softcifar.dataset.imports;

import io.softcifar.contracts.dataset.InputFile;
import io.softcifar.contracts.spec.DatasetInput;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One input file, available locally and verified.
 *
 * @param input    which input it is
 * @param file     the local file (a download's verified copy in the cache; a member taken from an archive is extracted
 *                 into the cache)
 * @param sha256   SHA-256 of the file (lower-case hex), always computed
 * @param md5      MD5 of the file (lower-case hex), always computed
 * @param bytes    size of the file
 * @param origin   how it was found
 * @param location where it came from: the URL of a download, the local path, or {@code <archive>!<member>}
 */
public record ResolvedInput(
        DatasetInput input, Path file, String sha256, String md5, long bytes, Origin origin, String location) {

    /**
     * How an input was found: an explicit {@code path}, its standard name in {@code sources.dir}, a download, or taken
     * out of an archive (the CIFAR-10 test images out of {@code cifar-10-binary.tar.gz}).
     */
    public enum Origin {
        PATH,
        DIR,
        URL,
        ARCHIVE
    }

    public ResolvedInput {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(location, "location");
    }

    /** {@code sources.<property>}, the field that names this input in messages. */
    public String field() {
        return "sources." + input.property();
    }

    /** The manifest's record of this input: standard file name, SHA-256, size, location. */
    public InputFile toInputFile() {
        return new InputFile(input.fileName(), sha256, bytes, location);
    }
}
