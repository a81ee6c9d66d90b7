package io.softcifar.contracts.dataset;

/**
 * One .npz file of a split or OOD set. Its arrays are defined by the shard format in ml-core
 * ({@code io.softcifar.ml.data.shard}), which writes and reads them; this record only locates and verifies the object.
 *
 * @param key    object key, see {@code ObjectKeys.shard} / {@code ObjectKeys.oodShard}
 * @param sha256 lower-case hex SHA-256 of the object, checked by readers
 * @param bytes  object size
 * @param count  images in the shard
 */
public record Shard(String key, String sha256, long bytes, int count) {}
