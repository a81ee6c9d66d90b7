package io.softcifar.dataset.imports;

import io.softcifar.ml.data.InvalidDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local folders a request may read from ({@code softcifar.dataset.import-roots}).
 *
 * <p>A path is accepted only if it is absolute, its normalized form lies under a root, and its real path (every
 * symbolic link resolved, {@link Path#toRealPath}) lies under a root's real path — so neither {@code ..} nor a link
 * can lead out. The caller gets one answer for "missing", "not the right kind" and "outside every root", so a
 * request cannot learn whether a file exists (or how large it is) anywhere it may not read. What is returned is the
 * real path, and that is what is read afterwards.
 */
public final class ImportRoots {

    private final List<Path> roots;

    /** @param roots absolute folders; a root that does not exist (yet) admits nothing until it does */
    public ImportRoots(List<Path> roots) {
        this.roots = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
    }

    /** No root: every local path is refused. */
    public static ImportRoots none() {
        return new ImportRoots(List.of());
    }

    /** The real path of the folder {@code given}, if it is a folder under a root; otherwise the one refusal. */
    Path requireFolder(String field, String given) {
        return check(field, given, true);
    }

    /** The real path of the regular file {@code given}, if it is under a root; otherwise the one refusal. */
    Path requireFile(String field, String given) {
        return check(field, given, false);
    }

    /**
     * The file {@code name} of an accepted folder: empty if there is no such entry, its real path if it is a regular
     * file under a root, else the refusal (a link in the folder pointing elsewhere).
     */
    Optional<Path> fileInFolder(String field, Path folder, String name) {
        Path p = folder.resolve(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(check(field, p.toString(), false));
    }

    private Path check(String field, String given, boolean folder) {
        Path path;
        try {
            path = Path.of(given);
        } catch (InvalidPathException e) {
            throw refused(field, given, folder);
        }
        if (!path.isAbsolute()) {
            throw refused(field, given, folder);
        }
        List<Path> realRoots = realRoots();
        Path normal = path.normalize();
        // first lexically, so nothing outside the roots is even looked at
        if (!under(normal, roots) && !under(normal, realRoots)) {
            throw refused(field, given, folder);
        }
        Path real;
        try {
            real = normal.toRealPath();
        } catch (IOException | SecurityException e) {
            throw refused(field, given, folder);
        }
        if (!under(real, realRoots) || !(folder ? Files.isDirectory(real) : Files.isRegularFile(real))) {
            throw refused(field, given, folder);
        }
        return real;
    }

    private List<Path> realRoots() {
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            try {
                out.add(r.toRealPath());
            } catch (IOException | SecurityException e) {
                // a root that does not exist admits nothing
            }
        }
        return out;
    }

    private static boolean under(Path p, List<Path> bases) {
        return bases.stream().anyMatch(p::startsWith);
    }

    /** The one answer for missing, wrong kind and not allowed: it names the flag that allows a folder. */
    private InvalidDataException refused(String field, String given, boolean folder) {
        String what = roots.isEmpty()
                ? "local imports are off (no import root is configured)"
                : given + " is not " + (folder ? "a folder" : "a file") + " under an import root of this service"
                        + " (missing, or outside every root; an absolute path is needed)";
        return new InvalidDataException(field + ": " + what + "; start the stack with --import-root DIR"
                + " (./softcifar up --import-root DIR, or softcifar.dataset.import-roots) naming the folder that"
                + " holds your data");
    }
}
