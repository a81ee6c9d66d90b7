package io.softcifar.dataset.imports;

/**
 * Bounds of a tar archive we read: how many entries, and how many bytes its files hold in total (uncompressed).
 * The official CIFAR archives have under 10 entries and about 185 MB.
 */
public record ArchiveLimits(int maxEntries, long maxBytes) {

    public static final ArchiveLimits DEFAULT = new ArchiveLimits(1000, 1L << 30);

    public ArchiveLimits {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "archive limits must be positive: " + maxEntries + " entries, " + maxBytes + " bytes");
        }
    }

    /** Decompressed bytes allowed in all: the files plus their tar headers and padding. */
    long maxStreamBytes() {
        return maxBytes + 1024L * (maxEntries + 20);
    }
}
