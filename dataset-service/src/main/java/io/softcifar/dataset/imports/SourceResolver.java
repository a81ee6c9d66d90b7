package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.util.FileTrees;
import io.softcifar.dataset.imports.SourcePlanner.Planned;
import io.softcifar.ml.data.InvalidDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every input file a {@link DatasetSpec} needs, locally, and verifies it.
 *
 * <p>For each input, in this order: the explicit {@link SourceRef} ({@code path} must exist; a {@code url} is
 * downloaded), else the file under its standard name in {@code sources.dir}, else — only when {@code sources.download}
 * is true — the official URL ({@link io.softcifar.contracts.spec.OfficialSources}). Downloads go through a cache
 * ({@code <cacheDir>/downloads/}, see {@link Downloader}). Every file is hashed (SHA-256 and MD5) and checked against
 * the checksums its ref declares.
 *
 * <p>Which inputs ({@link SourcePlanner} chooses them): the CIFAR-10 test images ({@code test_batch.bin}; if there is none, they are taken from the CIFAR-10
 * archive) and the CIFAR-10H probabilities always; the CIFAR-10 archive for protocol peterson (its 50,000 training
 * images); {@code test_32x32.mat} for OOD set svhn; the CIFAR-100 archive for OOD set cifar100. The CIFAR-10H counts
 * are optional: used (to cross-check the probabilities) when given explicitly or present in {@code sources.dir}, never
 * downloaded on their own account.
 *
 * <p>Where sources may come from is bounded by a {@link SourcePolicy}: local paths only under the import roots (checked
 * after resolving {@code ..} and links, with one answer for missing and not allowed; the real path is what is read),
 * URLs only as {@link UrlPolicy} allows (checked here before anything runs, and again by the {@link Downloader} for
 * every redirect and resolved address). Every file is then checked against what it must hold before anything parses
 * it: {@code .npy} and {@code .mat} headers against the expected dtype and shape ({@link NpyHeader},
 * {@link MatHeader}), {@code test_batch.bin} by its length, archives by their entries ({@link CifarArchives#inspect}).
 *
 * <p>Missing inputs are all reported at once, each naming its field and what to do, e.g. {@code "sources.cifar10hProbs:
 * no cifar10h-probs.npy in /data and no path or url; set sources.download=true to fetch the official file"}.
 */
public final class SourceResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SourceResolver.class);

    /** Most records of {@code test_batch.bin} (3,073 bytes each) accepted: all 60,000 CIFAR-10 images. */
    static final long MAX_TEST_RECORDS = 60_000;
    /** Most rows of a CIFAR-10H {@code .npy} accepted (it has 10,000; they must match the test images). */
    static final long MAX_LABEL_ROWS = 60_000;

    private static final int CIFAR_RECORD = 1 + 3072;

    private final Downloader downloader;
    private final Path extracted;
    private final SourcePolicy policy;
    private final SourcePlanner planner;

    /**
     * Downloads are cached under {@code cacheDir/downloads}, the CIFAR-10 test images taken out of an archive under
     * {@code cacheDir/extracted/<archive sha256>/}.
     */
    public SourceResolver(Path cacheDir, SourcePolicy policy) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.downloader = new Downloader(
                cacheDir, policy.urls(), policy.maxDownloadBytes(), policy.downloadTimeout(), policy.maxRedirects());
        this.extracted = cacheDir.resolve("extracted");
        this.planner = new SourcePlanner(policy);
    }

    /** The archive limits this resolver checks with (the builder reads archive members with the same). */
    public ArchiveLimits archiveLimits() {
        return policy.archives();
    }

    /**
     * Resolves, fetches and verifies every input the spec needs.
     *
     * @throws InvalidDataException naming the field: a missing source, a missing explicit path, a failed download or
     *     a checksum mismatch
     */
    public ResolvedInputs resolve(DatasetSpec spec) {
        List<Planned> plan = plan(spec);
        boolean peterson =
                DatasetSpec.PROTOCOL_PETERSON.equals(spec.withDefaults().protocol());
        List<ResolvedInput> out = new ArrayList<>();
        boolean haveTest = plan.stream().anyMatch(p -> p.input() == DatasetInput.CIFAR10_TEST);
        for (Planned p : plan) {
            ResolvedInput r = fetch(p);
            if (r.input() == DatasetInput.CIFAR10_ARCHIVE && !haveTest) {
                out.add(testImagesFromArchive(r));
                if (!peterson) {
                    continue; // only its test_batch.bin is used, recorded with the archive as its location
                }
            }
            out.add(r);
        }
        return ResolvedInputs.of(out);
    }

    /** {@code test_batch.bin} of the archive, extracted once into the cache (keyed by the archive's SHA-256). */
    private ResolvedInput testImagesFromArchive(ResolvedInput archive) {
        Path target = extracted.resolve(archive.sha256()).resolve(DatasetInput.CIFAR10_TEST.fileName());
        String member = "cifar-10-batches-bin/" + DatasetInput.CIFAR10_TEST.fileName();
        if (!Files.isRegularFile(target)) {
            try {
                Files.createDirectories(target.getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(target.getParent() + ": cannot create: " + e.getMessage(), e);
            }
            member = CifarArchives.extractCifar10Test(archive.field(), archive.file(), target, policy.archives());
        }
        checkFormat(archive.field(), DatasetInput.CIFAR10_TEST, target);
        Checksums c = Checksums.of(target);
        String location = archive.location() + "!" + member;
        LOG.info("sources.{}: {} (sha256 {})", DatasetInput.CIFAR10_TEST.property(), location, c.sha256());
        return new ResolvedInput(
                DatasetInput.CIFAR10_TEST,
                target,
                c.sha256(),
                c.md5(),
                size(target),
                ResolvedInput.Origin.ARCHIVE,
                location);
    }

    /**
     * Chooses the source of every input the spec needs, checking local paths against the import roots and URLs
     * against the URL rules (no hashing, no download, no DNS lookup).
     */
    List<Planned> plan(DatasetSpec spec) {
        return planner.plan(spec);
    }

    private ResolvedInput fetch(Planned p) {
        String field = "sources." + p.input().property();
        SourceRef ref = p.ref();
        if (p.origin() == ResolvedInput.Origin.URL) {
            Downloader.Fetched f = downloader.fetch(field, ref.url(), ref.md5(), ref.sha256());
            try {
                checkFormat(field, p.input(), f.file());
            } catch (InvalidDataException e) {
                FileTrees.deleteQuietly(f.file()); // verified, but not what it must be: keep no copy
                throw e;
            }
            LOG.info("{}: {} (sha256 {})", field, ref.url(), f.checksums().sha256());
            return new ResolvedInput(
                    p.input(),
                    f.file(),
                    f.checksums().sha256(),
                    f.checksums().md5(),
                    size(f.file()),
                    p.origin(),
                    ref.url());
        }
        Path file = Path.of(ref.path());
        Checksums c = Checksums.of(file);
        String mismatch = c.mismatch(ref.md5(), ref.sha256());
        if (mismatch != null) {
            throw new InvalidDataException(field + ": checksum mismatch for " + file + ": " + mismatch);
        }
        checkFormat(field, p.input(), file);
        LOG.info("{}: {} (sha256 {})", field, file, c.sha256());
        return new ResolvedInput(p.input(), file, c.sha256(), c.md5(), size(file), p.origin(), file.toString());
    }

    /**
     * What the file must look like before anything parses it: header shape and dtype, length, archive entries.
     *
     * @throws InvalidDataException naming the field and the file
     */
    private void checkFormat(String field, DatasetInput input, Path file) {
        try {
            switch (input) {
                case CIFAR10_TEST -> {
                    long bytes = size(file);
                    if (bytes == 0 || bytes % CIFAR_RECORD != 0 || bytes / CIFAR_RECORD > MAX_TEST_RECORDS) {
                        throw InvalidDataException.forFile(
                                file,
                                "is " + bytes + " bytes, not 1 to " + MAX_TEST_RECORDS + " records of " + CIFAR_RECORD
                                        + " bytes (label + 32×32×3 pixels)");
                    }
                }
                case CIFAR10H_PROBS ->
                    NpyHeader.check(
                            file,
                            java.util.Map.of("<f8", 8, "<f4", 4),
                            10,
                            MAX_LABEL_ROWS,
                            "float64 or float32 probabilities of shape (N, 10), N ≤ " + MAX_LABEL_ROWS);
                case CIFAR10H_COUNTS ->
                    NpyHeader.check(
                            file,
                            java.util.Map.of("<i8", 8, "<i4", 4),
                            10,
                            MAX_LABEL_ROWS,
                            "int64 or int32 annotator counts of shape (N, 10), N ≤ " + MAX_LABEL_ROWS);
                case SVHN_TEST -> MatHeader.check(file);
                case CIFAR10_ARCHIVE ->
                    CifarArchives.inspect(
                            field, file, java.util.List.of(), "cifar-10-binary.tar.gz", policy.archives());
                case CIFAR100_ARCHIVE ->
                    CifarArchives.inspect(
                            field, file, java.util.List.of(), "cifar-100-binary.tar.gz", policy.archives());
                default -> {}
            }
        } catch (InvalidDataException e) {
            throw e.getMessage().startsWith("sources.")
                    ? e
                    : new InvalidDataException(field + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot read size: " + e.getMessage(), e);
        }
    }
}
