package io.softcifar.contracts.dataset;

/**
 * One file a dataset was built from. Recorded so two datasets with the same spec but different inputs can be told
 * apart, and so a rebuild can prove it used the same data.
 *
 * @param name   standard file name, e.g. "cifar10h-probs.npy" (for a file taken from an archive, the member name)
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param bytes  file size
 * @param origin where it came from: the download URL, or the local path it was read from
 */
public record InputFile(String name, String sha256, long bytes, String origin) {}
