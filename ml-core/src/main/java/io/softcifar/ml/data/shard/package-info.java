/**
 * The shard format: how a built dataset's splits are stored (as objects in MinIO, as files on disk).
 *
 * <h2>One shard = one NPZ file</h2>
 * A shard is an {@code .npz}: a zip archive of NumPy {@code .npy} arrays, exactly what {@code numpy.savez} /
 * {@code numpy.savez_compressed} write and {@code numpy.load} reads. {@link io.softcifar.ml.data.shard.ShardWriter}
 * writes the arrays with DJL's NumPy encoder ({@code NDList.encode(out, NDList.Encoding.NPZ)}, version-1.0 headers,
 * little-endian, C order) and stores them as deflated zip entries with a fixed timestamp (1980-01-01 00:00), in the
 * order below — so the same arrays always give byte-identical files and the same SHA-256.
 * {@link io.softcifar.ml.data.shard.ShardReader} reads stored or deflated entries in any order (ZIP64 too) and
 * ignores entries it does not know.
 *
 * <h3>Labeled shard (a train, validation or test split)</h3>
 * <table>
 *   <caption>entries of a labeled shard; N = images in the shard, K = classes (10)</caption>
 *   <tr><th>entry</th><th>dtype</th><th>shape</th><th>meaning</th></tr>
 *   <tr><td>{@code images.npy}</td><td>uint8</td><td>(N, 3, 32, 32)</td>
 *       <td>pixels, NCHW (channel R, G, B; row; column), 0..255 — the pixel part of a CIFAR binary record</td></tr>
 *   <tr><td>{@code soft_labels.npy}</td><td>float32</td><td>(N, K)</td>
 *       <td>training targets: the human label distribution (after the dataset's entropy threshold, if any); each row
 *       is finite, ≥ 0 and sums to 1 within 1e-6</td></tr>
 *   <tr><td>{@code hard_labels.npy}</td><td>int64</td><td>(N,)</td>
 *       <td>argmax of the soft label (ties → lowest index, like {@code numpy.argmax}), 0..K-1 — the labels every
 *       evaluation uses. Not the official CIFAR-10 label, except where the soft label is the one-hot of it
 *       (the Peterson test split)</td></tr>
 *   <tr><td>{@code indices.npy}</td><td>int64</td><td>(N,)</td>
 *       <td>index of each image in its source file, in the official order (record i of {@code test_batch.bin} and
 *       row i of {@code cifar10h-probs.npy}; for the Peterson test split, i over {@code data_batch_1..5.bin}
 *       concatenated)</td></tr>
 * </table>
 *
 * <h3>OOD shard (SVHN, CIFAR-100 test)</h3>
 * {@code images.npy} (uint8, (N, 3, 32, 32)) and {@code indices.npy} (int64, (N,)), as above. OOD shards carry no
 * labels; in memory their images get label −1.
 *
 * <h2>A split = an ordered list of shards</h2>
 * A split of N images is cut, in order, into ⌈N / max⌉ shards of at most {@code max} images
 * ({@link io.softcifar.ml.data.shard.ShardFormat#DEFAULT_MAX_IMAGES_PER_SHARD} = 5,000 by default); only the last
 * one may be smaller. The dataset manifest lists each shard's object key, SHA-256, size in bytes and image count;
 * {@link io.softcifar.ml.data.shard.ShardedSplit} reads a split back (checking every SHA-256) and concatenates its
 * shards in manifest order into one {@link io.softcifar.ml.data.SoftLabelDataset}. In that dataset the images'
 * labels are the hard labels (the official labels are not stored; {@code indices.npy} leads back to them).
 *
 * <h2>Reading a shard in Python</h2>
 * <pre>{@code
 * import numpy as np
 * z = np.load("train-00000.npz")
 * x = z["images"].astype(np.float32) / 255      # (N, 3, 32, 32)
 * p, y, idx = z["soft_labels"], z["hard_labels"], z["indices"]
 * }</pre>
 */
package io.softcifar.ml.data.shard;
