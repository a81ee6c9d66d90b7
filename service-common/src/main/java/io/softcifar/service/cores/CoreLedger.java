package io.softcifar.service.cores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Which services of one machine are computing now, and with how many PyTorch threads: a folder shared by the
 * processes of the local stack ({@code ./softcifar up} sets {@value #PROPERTY} to {@code <home>/cores} for the trainer
 * and the evaluator). A process that computes holds a <em>claim</em>, a file {@code <pid>-<holder>.threads} holding
 * its thread count, for as long as it computes; another process reads the claims of the others to see how many cores
 * are left. A claim of a process that is no longer alive counts for nothing (a killed trainer leaves its file
 * behind; the next reader removes it). Nothing here is needed for correctness: without the property, or with an
 * unreadable folder, every service keeps its fixed share.
 */
public final class CoreLedger {

    /** The system property naming the folder. */
    public static final String PROPERTY = "softcifar.cores.ledger";

    private static final Logger LOG = Logger.getLogger(CoreLedger.class);
    private static final String SUFFIX = ".threads";

    private final Path dir;
    private final long ownPid;

    CoreLedger(Path dir, long ownPid) {
        this.dir = dir;
        this.ownPid = ownPid;
    }

    /** The ledger named by {@value #PROPERTY}, if set. */
    public static Optional<CoreLedger> configured() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank()
                ? Optional.empty()
                : Optional.of(
                        new CoreLedger(Path.of(dir), ProcessHandle.current().pid()));
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /**
     * Claims {@code threads} for {@code holder} (unique within this process, e.g. a trainer slot's name) until the
     * claim is closed. A claim that cannot be written is logged, counts for nothing and leaves no file.
     */
    public Claim claim(String holder, int threads) {
        Path file = dir.resolve(ownPid + "-" + holder.replaceAll("[^A-Za-z0-9_.-]", "_") + SUFFIX);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "claim", ".tmp");
            Files.writeString(tmp, Integer.toString(threads), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debugf("core ledger %s: claim %s not written (%s)", dir, holder, e.getMessage());
            deleteQuietly(tmp);
        }
        return () -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debugf("core ledger %s: claim %s not removed (%s)", dir, holder, e.getMessage());
            }
        };
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.debugf("core ledger: %s not removed (%s)", file, e.getMessage());
        }
    }

    /** The threads claimed now by the other live processes (0 when the folder is missing or unreadable). */
    public int threadsOfOthers() {
        int sum = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                sum += othersThreads(file);
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | UncheckedIOException e) {
            LOG.debugf("core ledger %s not readable (%s)", dir, e.getMessage());
        }
        return sum;
    }

    private int othersThreads(Path file) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(name.substring(0, Math.max(0, dash)));
        } catch (NumberFormatException e) {
            return 0; // not a claim
        }
        if (pid == ownPid) {
            return 0;
        }
        try {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Math.max(
                        0,
                        Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII)
                                .strip()));
            }
            Files.deleteIfExists(file); // left by a process that died
        } catch (IOException | NumberFormatException e) {
            // removed while read (the claim ended), or half a file from a foreign writer: nothing claimed
        }
        return 0;
    }

    /**
     * The threads a process whose own share is {@code own} may use on {@code cores} cores while others claim
     * {@code othersThreads}: the cores nobody else claims, never fewer than its own share.
     */
    public static int share(int own, int cores, int othersThreads) {
        return Math.max(own, cores - othersThreads);
    }

    /** A held claim; closing it gives the threads back. */
    @FunctionalInterface
    public interface Claim extends AutoCloseable {
        @Override
        void close();
    }
}
