package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.ml.data.InvalidDataException;
import java.net.http.HttpClient;
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
 * <p>Which inputs: the CIFAR-10 test images ({@code test_batch.bin}; if there is none, they are taken from the CIFAR-10
 * archive) and the CIFAR-10H probabilities always; the CIFAR-10 archive for protocol peterson (its 50,000 training
 * images); {@code test_32x32.mat} for OOD set svhn; the CIFAR-100 archive for OOD set cifar100. The CIFAR-10H counts
 * are optional: used (to cross-check the probabilities) when given explicitly or present in {@code sources.dir}, never
 * downloaded on their own account.
 *
 * <p>Missing inputs are all reported at once, each naming its field and what to do, e.g. {@code "sources.cifar10hProbs:
 * no cifar10h-probs.npy in /data and no path or url; set sources.download=true to fetch the official file"}.
 */
public final class SourceResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SourceResolver.class);

    private final Downloader downloader;
    private final Path extracted;

    /**
     * Downloads are cached under {@code cacheDir/downloads}, the CIFAR-10 test images taken out of an archive under
     * {@code cacheDir/extracted/<archive sha256>/}.
     */
    public SourceResolver(Path cacheDir) {
        this(cacheDir, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(java.time.Duration.ofSeconds(30)).build());
    }

    /** With a given HTTP client (tests, proxies). */
    public SourceResolver(Path cacheDir, HttpClient http) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        this.downloader = new Downloader(http, cacheDir);
        this.extracted = cacheDir.resolve("extracted");
    }

    /** A chosen source that is not fetched or hashed yet. */
    record Planned(DatasetInput input, SourceRef ref, ResolvedInput.Origin origin) {}

    /**
     * Resolves, fetches and verifies every input the spec needs.
     *
     * @throws InvalidDataException naming the field: a missing source, a missing explicit path, a failed download or
     *     a checksum mismatch
     */
    public ResolvedInputs resolve(DatasetSpec spec) {
        List<Planned> plan = plan(spec);
        boolean peterson = DatasetSpec.PROTOCOL_PETERSON.equals(spec.withDefaults().protocol());
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
            member = CifarArchives.extractCifar10Test(archive.field(), archive.file(), target);
        }
        Checksums c = Checksums.of(target);
        String location = archive.location() + "!" + member;
        LOG.info("sources.{}: {} (sha256 {})", DatasetInput.CIFAR10_TEST.property(), location, c.sha256());
        return new ResolvedInput(DatasetInput.CIFAR10_TEST, target, c.sha256(), c.md5(), size(target),
                ResolvedInput.Origin.ARCHIVE, location);
    }

    /**
     * Chooses the source of every input the spec needs, checking only that local files exist (no hashing, no
     * download).
     */
    static List<Planned> plan(DatasetSpec spec) {
        DatasetSpec s = spec.withDefaults();
        Sources src = s.sources();
        List<Planned> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean peterson = DatasetSpec.PROTOCOL_PETERSON.equals(s.protocol());

        Planned test = choose(DatasetInput.CIFAR10_TEST, src);
        Planned archive = choose(DatasetInput.CIFAR10_ARCHIVE, src);
        if (test != null) {
            out.add(test);
        }
        if (peterson || test == null) {
            if (archive != null) {
                out.add(archive);
            } else if (peterson) {
                missing.add(missing(DatasetInput.CIFAR10_ARCHIVE, src, " (protocol peterson tests on its 50,000"
                        + " training images)"));
            } else {
                missing.add(missingTestImages(src));
            }
        }
        add(out, missing, DatasetInput.CIFAR10H_PROBS, src);
        Planned counts = chooseOptional(DatasetInput.CIFAR10H_COUNTS, src);
        if (counts != null) {
            out.add(counts);
        }
        if (s.oodSets().contains(DatasetSpec.OOD_SVHN)) {
            add(out, missing, DatasetInput.SVHN_TEST, src);
        }
        if (s.oodSets().contains(DatasetSpec.OOD_CIFAR100)) {
            add(out, missing, DatasetInput.CIFAR100_ARCHIVE, src);
        }
        if (!missing.isEmpty()) {
            throw new InvalidDataException(String.join("; ", missing));
        }
        return out;
    }

    private static void add(List<Planned> out, List<String> missing, DatasetInput input, Sources src) {
        Planned p = choose(input, src);
        if (p != null) {
            out.add(p);
        } else {
            missing.add(missing(input, src, ""));
        }
    }

    /** Explicit ref, else dir/standard name if it exists, else the official URL if downloads are allowed; or null. */
    private static Planned choose(DatasetInput input, Sources src) {
        SourceRef explicit = src.ref(input);
        if (explicit != null) {
            if (explicit.url() != null) {
                return new Planned(input, explicit, ResolvedInput.Origin.URL);
            }
            Path p = Path.of(explicit.path());
            if (!Files.isRegularFile(p)) {
                throw new InvalidDataException("sources." + input.property() + ".path: " + p
                        + (Files.exists(p) ? " is not a regular file" : " not found"));
            }
            return new Planned(input, explicit, ResolvedInput.Origin.PATH);
        }
        Path inDir = inDir(input, src);
        if (inDir != null && Files.isRegularFile(inDir)) {
            return new Planned(input, SourceRef.ofPath(inDir.toString()), ResolvedInput.Origin.DIR);
        }
        if (src.download() && input.official().isPresent()) {
            return new Planned(input, input.official().get(), ResolvedInput.Origin.URL);
        }
        return null;
    }

    /** Optional inputs: explicit or in the folder; never downloaded unless explicitly asked for. */
    private static Planned chooseOptional(DatasetInput input, Sources src) {
        if (src.ref(input) != null) {
            return choose(input, src);
        }
        Path inDir = inDir(input, src);
        return inDir != null && Files.isRegularFile(inDir)
                ? new Planned(input, SourceRef.ofPath(inDir.toString()), ResolvedInput.Origin.DIR) : null;
    }

    private static Path inDir(DatasetInput input, Sources src) {
        return src.dir() == null || src.dir().isBlank() ? null : Path.of(src.dir()).resolve(input.fileName());
    }

    private static String missing(DatasetInput input, Sources src, String why) {
        boolean hasDir = src.dir() != null && !src.dir().isBlank();
        String problem = hasDir ? "no " + input.fileName() + " in " + src.dir() + " and no path or url"
                : "no path or url and no sources.dir";
        List<String> fixes = new ArrayList<>();
        if (input.official().isPresent() && !src.download()) {
            fixes.add("set sources.download=true to fetch the official file");
        }
        fixes.add(hasDir ? "put " + input.fileName() + " there" : "set sources.dir to a folder holding " + input.fileName());
        fixes.add("give sources." + input.property() + ".path");
        return "sources." + input.property() + ": " + problem + why + "; " + String.join(", or ", fixes);
    }

    private static String missingTestImages(Sources src) {
        String test = DatasetInput.CIFAR10_TEST.fileName();
        String archive = DatasetInput.CIFAR10_ARCHIVE.fileName();
        boolean hasDir = src.dir() != null && !src.dir().isBlank();
        String problem = hasDir ? "neither " + test + " nor " + archive + " in " + src.dir() + ", and no path or url"
                : "no path or url for " + test + " or " + archive + ", and no sources.dir";
        List<String> fixes = new ArrayList<>();
        if (!src.download()) {
            fixes.add("set sources.download=true to fetch the official archive");
        }
        fixes.add(hasDir ? "put one of them there" : "set sources.dir to a folder holding one of them");
        return "sources." + DatasetInput.CIFAR10_TEST.property() + ": " + problem + "; " + String.join(", or ", fixes);
    }

    private ResolvedInput fetch(Planned p) {
        String field = "sources." + p.input().property();
        SourceRef ref = p.ref();
        if (p.origin() == ResolvedInput.Origin.URL) {
            Downloader.Fetched f = downloader.fetch(field, ref.url(), ref.md5(), ref.sha256());
            LOG.info("{}: {} (sha256 {})", field, ref.url(), f.checksums().sha256());
            return new ResolvedInput(p.input(), f.file(), f.checksums().sha256(), f.checksums().md5(), size(f.file()),
                    p.origin(), ref.url());
        }
        Path file = Path.of(ref.path());
        Checksums c = Checksums.of(file);
        String mismatch = c.mismatch(ref.md5(), ref.sha256());
        if (mismatch != null) {
            throw new InvalidDataException(field + ": checksum mismatch for " + file + ": " + mismatch);
        }
        LOG.info("{}: {} (sha256 {})", field, file, c.sha256());
        return new ResolvedInput(p.input(), file, c.sha256(), c.md5(), size(file), p.origin(), file.toString());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot read size: " + e.getMessage(), e);
        }
    }
}
