package io.softcifar.dataset.imports;

import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SourceRef;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.ml.data.InvalidDataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which source each input of a {@link DatasetSpec} comes from, before anything is fetched: the explicit ref, else the
 * file under its standard name in {@code sources.dir}, else (downloads allowed) the official URL; local paths are
 * checked against the import roots and URLs against the URL rules of the {@link SourcePolicy}. Every missing input is
 * reported at once, naming its field and what to do. {@link SourceResolver} fetches and verifies what this chooses.
 */
final class SourcePlanner {

    /** A chosen source that is not fetched or hashed yet. */
    record Planned(DatasetInput input, SourceRef ref, ResolvedInput.Origin origin) {}

    private final SourcePolicy policy;

    SourcePlanner(SourcePolicy policy) {
        this.policy = policy;
    }

    /**
     * Chooses the source of every input the spec needs, checking local paths against the import roots and URLs
     * against the URL rules (no hashing, no download, no DNS lookup).
     */
    List<Planned> plan(DatasetSpec spec) {
        DatasetSpec s = spec.withDefaults();
        Sources src = s.sources();
        Path dir = folder(src);
        List<Planned> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean peterson = DatasetSpec.PROTOCOL_PETERSON.equals(s.protocol());

        Planned test = choose(DatasetInput.CIFAR10_TEST, src, dir);
        Planned archive = choose(DatasetInput.CIFAR10_ARCHIVE, src, dir);
        if (test != null) {
            out.add(test);
        }
        if (peterson || test == null) {
            if (archive != null) {
                out.add(archive);
            } else if (peterson) {
                missing.add(missing(
                        DatasetInput.CIFAR10_ARCHIVE,
                        src,
                        " (protocol peterson tests on its 50,000" + " training images)"));
            } else {
                missing.add(missingTestImages(src));
            }
        }
        add(out, missing, DatasetInput.CIFAR10H_PROBS, src, dir);
        Planned counts = chooseOptional(DatasetInput.CIFAR10H_COUNTS, src, dir);
        if (counts != null) {
            out.add(counts);
        }
        if (s.oodSets().contains(DatasetSpec.OOD_SVHN)) {
            add(out, missing, DatasetInput.SVHN_TEST, src, dir);
        }
        if (s.oodSets().contains(DatasetSpec.OOD_CIFAR100)) {
            add(out, missing, DatasetInput.CIFAR100_ARCHIVE, src, dir);
        }
        if (!missing.isEmpty()) {
            throw new InvalidDataException(String.join("; ", missing));
        }
        return out;
    }

    /**
     * The real path of {@code sources.dir}, or null if none is given; its class-name file must not lead out of the
     * roots either (the builder reads it).
     */
    private Path folder(Sources src) {
        if (src.dir() == null || src.dir().isBlank()) {
            return null;
        }
        Path dir = policy.roots().requireFolder("sources.dir", src.dir());
        policy.roots().fileInFolder("sources.dir", dir, io.softcifar.ml.data.Cifar10hFolder.CLASS_NAMES_FILE);
        return dir;
    }

    private void add(List<Planned> out, List<String> missing, DatasetInput input, Sources src, Path dir) {
        Planned p = choose(input, src, dir);
        if (p != null) {
            out.add(p);
        } else {
            missing.add(missing(input, src, ""));
        }
    }

    /** Explicit ref, else dir/standard name if it exists, else the official URL if downloads are allowed; or null. */
    private Planned choose(DatasetInput input, Sources src, Path dir) {
        String field = "sources." + input.property();
        SourceRef explicit = src.ref(input);
        if (explicit != null) {
            if (explicit.url() != null) {
                policy.urls().check(field, explicit.url(), explicit.md5(), explicit.sha256());
                return new Planned(input, explicit, ResolvedInput.Origin.URL);
            }
            Path real = policy.roots().requireFile(field + ".path", explicit.path());
            return new Planned(
                    input,
                    new SourceRef(real.toString(), null, explicit.md5(), explicit.sha256()),
                    ResolvedInput.Origin.PATH);
        }
        Planned inDir = inDir(input, dir);
        if (inDir != null) {
            return inDir;
        }
        if (src.download() && input.official().isPresent()) {
            SourceRef official = input.official().get();
            policy.urls().check(field, official.url(), official.md5(), official.sha256());
            return new Planned(input, official, ResolvedInput.Origin.URL);
        }
        return null;
    }

    /** Optional inputs: explicit or in the folder; never downloaded unless explicitly asked for. */
    private Planned chooseOptional(DatasetInput input, Sources src, Path dir) {
        if (src.ref(input) != null) {
            return choose(input, src, dir);
        }
        return inDir(input, dir);
    }

    /** The input under its standard name in the (accepted) folder, if there. */
    private Planned inDir(DatasetInput input, Path dir) {
        if (dir == null) {
            return null;
        }
        return policy.roots()
                .fileInFolder("sources.dir", dir, input.fileName())
                .map(p -> new Planned(input, SourceRef.ofPath(p.toString()), ResolvedInput.Origin.DIR))
                .orElse(null);
    }

    private static String missing(DatasetInput input, Sources src, String why) {
        boolean hasDir = src.dir() != null && !src.dir().isBlank();
        String problem = hasDir
                ? "no " + input.fileName() + " in " + src.dir() + " and no path or url"
                : "no path or url and no sources.dir";
        List<String> fixes = new ArrayList<>();
        if (input.official().isPresent() && !src.download()) {
            fixes.add("set sources.download=true to fetch the official file");
        }
        fixes.add(
                hasDir
                        ? "put " + input.fileName() + " there"
                        : "set sources.dir to a folder holding " + input.fileName());
        fixes.add("give sources." + input.property() + ".path");
        return "sources." + input.property() + ": " + problem + why + "; " + String.join(", or ", fixes);
    }

    private static String missingTestImages(Sources src) {
        String test = DatasetInput.CIFAR10_TEST.fileName();
        String archive = DatasetInput.CIFAR10_ARCHIVE.fileName();
        boolean hasDir = src.dir() != null && !src.dir().isBlank();
        String problem = hasDir
                ? "neither " + test + " nor " + archive + " in " + src.dir() + ", and no path or url"
                : "no path or url for " + test + " or " + archive + ", and no sources.dir";
        List<String> fixes = new ArrayList<>();
        if (!src.download()) {
            fixes.add("set sources.download=true to fetch the official archive");
        }
        fixes.add(hasDir ? "put one of them there" : "set sources.dir to a folder holding one of them");
        return "sources." + DatasetInput.CIFAR10_TEST.property() + ": " + problem + "; " + String.join(", or ", fixes);
    }
}
