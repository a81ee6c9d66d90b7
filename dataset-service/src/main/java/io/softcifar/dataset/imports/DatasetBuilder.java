package io.softcifar.dataset.imports;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.dataset.InputFile;
import io.softcifar.contracts.dataset.OodEntry;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.spec.DatasetInput;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.SplitRatios;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.util.FileTrees;
import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.Cifar10Binary;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SvhnMat;
import io.softcifar.ml.data.shard.ShardFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a dataset from resolved inputs into a local folder: validated data, seeded splits, shards and the manifest.
 *
 * <ol>
 *   <li>Loads the CIFAR-10 test images and the CIFAR-10H probabilities with the ml-core readers (which reject a wrong
 *       shape or dtype, NaN, negative values and rows not summing to 1 within 1e-6, naming the file) and checks that
 *       their counts agree, and — when given — that the annotator counts agree with the probabilities.
 *   <li>Applies {@code limit} (the first N images, in official order), records the statistics of those images
 *       (before the entropy threshold), then applies the threshold to the soft labels that are stored.
 *   <li>Per seed, one seeded split for both label variants: protocol cifar10h-split cuts the images by
 *       {@code splitRatios} ({@link Splits#seeded}); protocol peterson cuts train/validation from the same seeded
 *       permutation (test ratio 0) and uses the 50,000 CIFAR-10 training images, with their official labels as hard
 *       labels and the one-hot of them as soft labels, as its test split. The train split's per-channel mean/std is
 *       recorded.
 *   <li>Writes every split (and each OOD set, complete) as shards of at most {@code maxImagesPerShard} images, at
 *       {@code outputDir/<object key>} ({@link ObjectKeys}), and the manifest last, at
 *       {@code outputDir/datasets/<id>/manifest.json}.
 * </ol>
 * Nothing is uploaded here. If anything fails, {@code outputDir} is left as it was found: absent, or empty.
 *
 * <p>Per split, {@code meanEntropy} is that of the stored soft labels (after the threshold; null for peterson's test
 * split, which has no human labels); the dataset {@code statistics} describe the human labels before the threshold.
 * {@link ShardOutput} writes the shards, {@link OutputFolder} guards the folder.
 */
public final class DatasetBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetBuilder.class);
    private static final int NUM_CLASSES = SoftLabels.CIFAR10_CLASSES;

    private final int maxImagesPerShard;
    private final ArchiveLimits archiveLimits;

    /** Shards of at most {@value ShardFormat#DEFAULT_MAX_IMAGES_PER_SHARD} images. */
    public DatasetBuilder() {
        this(ShardFormat.DEFAULT_MAX_IMAGES_PER_SHARD);
    }

    /** @throws InvalidDataException if {@code maxImagesPerShard} is not ≥ 1 */
    public DatasetBuilder(int maxImagesPerShard) {
        this(maxImagesPerShard, ArchiveLimits.DEFAULT);
    }

    /** Archive members are read within {@code archiveLimits} (those the resolver checked the archives with). */
    public DatasetBuilder(int maxImagesPerShard, ArchiveLimits archiveLimits) {
        ShardFormat.ranges(0, maxImagesPerShard); // validates
        this.maxImagesPerShard = maxImagesPerShard;
        this.archiveLimits = java.util.Objects.requireNonNull(archiveLimits, "archiveLimits");
    }

    /**
     * Builds the dataset into {@code outputDir} (which must be absent or empty) and returns its manifest, also written
     * there.
     *
     * @param spec      the request; validated again here
     * @param inputs    what {@link SourceResolver#resolve} returned for this spec
     * @param datasetId the id ({@link DatasetIds#compute}); becomes part of every key
     * @param outputDir where the objects go, at their keys relative to it
     * @throws io.softcifar.contracts.spec.InvalidSpecException if the spec is invalid
     * @throws InvalidDataException with a one-line message naming the file or field when the data are invalid
     * @throws IllegalArgumentException if {@code outputDir} is not empty, an input is missing, or the id is not a
     *     valid key segment
     */
    public DatasetManifest build(DatasetSpec spec, ResolvedInputs inputs, String datasetId, Path outputDir) {
        spec.requireValid();
        ObjectKeys.requireId("datasetId", datasetId);
        OutputFolder folder = OutputFolder.prepare(outputDir);
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("softcifar-import-");
            DatasetManifest manifest = new Build(spec.withDefaults(), inputs, datasetId, outputDir, scratch).run();
            Path file = outputDir.resolve(ObjectKeys.manifest(datasetId));
            Files.createDirectories(file.getParent());
            Files.writeString(file, manifest.toJson(), StandardCharsets.UTF_8);
            return manifest;
        } catch (IOException e) {
            folder.restore();
            throw new UncheckedIOException(outputDir + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            folder.restore();
            throw e;
        } finally {
            if (scratch != null) {
                FileTrees.deleteQuietly(scratch);
            }
        }
    }

    /** One build's state. */
    private final class Build {
        private final DatasetSpec spec;
        private final ResolvedInputs inputs;
        private final String id;
        private final Path scratch;
        private final long start = System.nanoTime();
        private final ShardOutput shards;

        Build(DatasetSpec spec, ResolvedInputs inputs, String id, Path out, Path scratch) {
            this.spec = spec;
            this.inputs = inputs;
            this.id = id;
            this.scratch = scratch;
            this.shards = new ShardOutput(id, out, maxImagesPerShard, this::log);
        }

        DatasetManifest run() {
            ResolvedInput testIn = inputs.require(DatasetInput.CIFAR10_TEST);
            ResolvedInput probsIn = inputs.require(DatasetInput.CIFAR10H_PROBS);
            LabeledImages allImages = located(testIn, () -> Cifar10Binary.read(testIn.file()));
            SoftLabels allSoft = SoftLabels.read(probsIn.file());
            if (allSoft.count() != allImages.count()) {
                throw InvalidDataException.forFile(
                        probsIn.file(),
                        allSoft.count() + " rows but " + testIn.location() + " has " + allImages.count() + " images");
            }
            inputs.get(DatasetInput.CIFAR10H_COUNTS).ifPresent(c -> Cifar10hCounts.checkAgainst(c.file(), allSoft));
            int n = allImages.count();
            if (spec.limit() != null) {
                if (spec.limit() > n) {
                    throw InvalidDataException.forField(
                            "limit", spec.limit() + " is more than the " + n + " images of " + testIn.location());
                }
                n = spec.limit();
            }
            int[] firstN = IntStream.range(0, n).toArray();
            SoftLabelDataset data = new SoftLabelDataset(allImages.first(n), allSoft.subset(firstN));
            DatasetStatistics statistics = statistics(data);
            SoftLabelDataset targets =
                    spec.entropyThreshold() != null ? data.withEntropyThreshold(spec.entropyThreshold()) : data;
            log(
                    "read %d images and soft labels (%s, %s); mean entropy %.4f nats",
                    n, testIn.location(), probsIn.location(), statistics.meanEntropy());

            boolean peterson = DatasetSpec.PROTOCOL_PETERSON.equals(spec.protocol());
            SoftLabelDataset petersonTest = null;
            if (peterson) {
                ResolvedInput archive = inputs.require(DatasetInput.CIFAR10_ARCHIVE);
                LabeledImages train =
                        CifarArchives.cifar10Train(archive.field(), archive.file(), scratch, archiveLimits);
                petersonTest =
                        new SoftLabelDataset(train, SoftLabels.oneHot(archive.location(), train.labels(), NUM_CLASSES));
                log(
                        "read %d CIFAR-10 training images for the peterson test split (%s)",
                        train.count(), archive.location());
            }

            List<SeedEntry> seeds = new ArrayList<>();
            for (long seed : spec.seeds()) {
                seeds.add(seed(seed, data, targets, petersonTest));
            }
            Map<String, OodEntry> ood = new LinkedHashMap<>();
            for (String set : spec.oodSets()) {
                ood.put(set, ood(set));
            }
            List<InputFile> inputFiles =
                    inputs.all().stream().map(ResolvedInput::toInputFile).toList();
            List<String> classNames = spec.sources().dir() == null
                    ? Cifar10hFolder.CIFAR10_CLASS_NAMES
                    : Cifar10hFolder.classNames(Path.of(spec.sources().dir()));
            log("built %d seed(s), %d OOD set(s)", seeds.size(), ood.size());
            return new DatasetManifest(
                    DatasetManifest.FORMAT_VERSION,
                    id,
                    Instant.now(),
                    spec,
                    inputFiles,
                    classNames,
                    NUM_CLASSES,
                    DatasetManifest.IMAGE_SHAPE,
                    seeds,
                    ood,
                    statistics);
        }

        private SeedEntry seed(
                long seed, SoftLabelDataset data, SoftLabelDataset targets, SoftLabelDataset petersonTest) {
            int n = data.size();
            SplitRatios r = spec.splitRatios();
            Split split;
            if (petersonTest == null) {
                split = Splits.seeded(n, seed, r.train(), r.validation(), r.test());
            } else {
                int[] perm = Splits.permutation(n, seed);
                int[] sizes = r.sizes(n);
                split = new Split(
                        Arrays.copyOfRange(perm, 0, sizes[0]),
                        Arrays.copyOfRange(perm, sizes[0], sizes[0] + sizes[1]),
                        new int[0]);
            }
            if (split.train().length == 0 || split.val().length == 0) {
                throw InvalidDataException.forField(
                        "splitRatios",
                        n + " images give " + split.train().length + " train and " + split.val().length
                                + " validation images (each split needs at least one)");
            }
            ChannelStats stats = ChannelStats.of(data.images(), split.train());
            Map<String, SplitEntry> splits = new LinkedHashMap<>();
            splits.put(
                    DatasetManifest.SPLIT_TRAIN,
                    shards.split(
                            seed, DatasetManifest.SPLIT_TRAIN, targets.subset(split.train()), split.train(), true));
            splits.put(
                    DatasetManifest.SPLIT_VALIDATION,
                    shards.split(
                            seed, DatasetManifest.SPLIT_VALIDATION, targets.subset(split.val()), split.val(), true));
            if (petersonTest == null) {
                splits.put(
                        DatasetManifest.SPLIT_TEST,
                        shards.split(
                                seed, DatasetManifest.SPLIT_TEST, targets.subset(split.test()), split.test(), true));
            } else {
                splits.put(
                        DatasetManifest.SPLIT_TEST,
                        shards.split(
                                seed,
                                DatasetManifest.SPLIT_TEST,
                                petersonTest,
                                IntStream.range(0, petersonTest.size()).toArray(),
                                false));
            }
            log(
                    "seed %d: train %d / validation %d / test %d images; train mean %s std %s",
                    seed,
                    splits.get(DatasetManifest.SPLIT_TRAIN).count(),
                    splits.get(DatasetManifest.SPLIT_VALIDATION).count(),
                    splits.get(DatasetManifest.SPLIT_TEST).count(),
                    Arrays.toString(stats.mean()),
                    Arrays.toString(stats.std()));
            return new SeedEntry(seed, boxed(stats.mean()), boxed(stats.std()), splits);
        }

        private OodEntry ood(String set) {
            LabeledImages images;
            if (DatasetSpec.OOD_SVHN.equals(set)) {
                ResolvedInput in = inputs.require(DatasetInput.SVHN_TEST);
                images = SvhnMat.read(in.file());
            } else if (DatasetSpec.OOD_CIFAR100.equals(set)) {
                ResolvedInput in = inputs.require(DatasetInput.CIFAR100_ARCHIVE);
                images = CifarArchives.cifar100Test(in.field(), in.file(), scratch, archiveLimits);
            } else {
                throw InvalidDataException.forField("oodSets", "unknown OOD set '" + set + "'");
            }
            return shards.ood(set, images);
        }

        private void log(String format, Object... args) {
            if (LOG.isInfoEnabled()) {
                LOG.info(
                        "{} [{}s]: {}",
                        id,
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9),
                        String.format(java.util.Locale.ROOT, format, args));
            }
        }
    }

    /** Statistics of the human labels of all images used. */
    static DatasetStatistics statistics(SoftLabelDataset data) {
        int[] hardCounts = new int[NUM_CLASSES];
        for (int h : data.hardLabels()) {
            hardCounts[h]++;
        }
        return new DatasetStatistics(
                data.size(),
                boxed(data.images().classCounts(NUM_CLASSES)),
                boxed(hardCounts),
                data.meanEntropy(),
                data.fractionUncertain(),
                data.agreementWithOfficialLabels());
    }

    /** Runs a reader; an error naming the local copy of an extracted member names its archive location instead. */
    private static <T> T located(ResolvedInput in, Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidDataException e) {
            if (in.origin() != ResolvedInput.Origin.ARCHIVE) {
                throw e;
            }
            throw new InvalidDataException(e.getMessage().replace(in.file().toString(), in.location()), e);
        }
    }

    private static List<Integer> boxed(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static List<Double> boxed(double[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
