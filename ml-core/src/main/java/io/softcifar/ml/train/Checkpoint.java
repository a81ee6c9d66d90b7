package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.softcifar.ml.model.ModelConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The checkpoint file format, version {@value #VERSION}: a ZIP archive (so {@code numpy.load(path)} opens it as an
 * NPZ) holding
 *
 * <ul>
 *   <li>{@code checkpoint.json}: {@link Header} — format name and version, kind ({@code epoch} or {@code best}),
 *       epochs completed, the full {@link TrainConfig}, normalization mean/std, best validation loss and epoch, the
 *       per-epoch history, the RNG scheme, parameter count, creation time;
 *   <li>{@code model/<path>.npy}: every parameter and buffer of the model by dotted path (weights, BatchNorm running
 *       statistics, spectral-norm vectors, SNGP precision/covariance, DUQ centroids). Since version 2 the
 *       spectral-norm vectors of SNGP's 3×3 convs have the conv's output shape (u) and input shape (v) with a batch
 *       dimension of 1, for the model's image size; version-1 SNGP checkpoints (kernel-matrix vectors) are refused,
 *       version-1 checkpoints of the other methods still load;
 *   <li>{@code optimizer/momentum/<path>.npy}: SGD momentum buffers ({@code epoch} checkpoints only).
 * </ul>
 *
 * <p>RNG state: every random draw of epoch e comes from a stream that starts at mix(seed, e) ({@code RunRandom}), so
 * (seed, epochs completed) is the whole RNG state and a resumed run continues bit-for-bit on CPU.
 * Files are written to a temporary name and moved into place, so a reader never sees half a checkpoint.
 * Copying a read checkpoint into a model or optimizer is {@link CheckpointRestore}.
 */
public final class Checkpoint {

    public static final String FORMAT = "softcifar-checkpoint";
    public static final int VERSION = 2;
    /** Format 2 changed SNGP's spectral-norm vectors of 3×3 convs (kernel matrix → convolution operator). */
    static final int FIRST_VERSION_WITH_OPERATOR_NORM = 2;

    public static final String HEADER_ENTRY = "checkpoint.json";
    public static final String MODEL_PREFIX = "model/";
    public static final String MOMENTUM_PREFIX = "optimizer/momentum/";
    public static final String RNG_SCHEME = "per-epoch reseed: torch and Java generators seeded with mix(seed, epoch)";

    static final ObjectMapper JSON = new ObjectMapper()
            .findAndRegisterModules()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoint() {}

    public enum Kind {
        EPOCH,
        BEST
    }

    /**
     * The JSON header of a checkpoint. {@code fencingToken} is the token of the trainer-service lease under which
     * the checkpoint was written (absent, null, when written outside a lease or before fencing tokens existed; the
     * format version did not change for it, as older readers ignore it). There is one constructor: a writer without
     * a lease passes {@code null}.
     */
    public record Header(
            String format,
            int version,
            Kind kind,
            int epochsCompleted,
            TrainConfig config,
            float[] mean,
            float[] std,
            double bestValLoss,
            int bestEpoch,
            List<EpochStats> history,
            String rng,
            long parameters,
            String createdAt,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Long fencingToken) {

        /** The same header for another configuration (what a checkpoint claims to be). */
        public Header withConfig(TrainConfig other) {
            return new Header(
                    format,
                    version,
                    kind,
                    epochsCompleted,
                    other,
                    mean,
                    std,
                    bestValLoss,
                    bestEpoch,
                    history,
                    rng,
                    parameters,
                    createdAt,
                    fencingToken);
        }
    }

    /** A loaded checkpoint: header and tensors by entry name without the {@code .npy} suffix. */
    public record Loaded(Path file, Header header, Map<String, NDArray> tensors) {

        public ModelConfig modelConfig() {
            return header.config().model();
        }

        /** The model tensors by parameter or buffer name (the {@value #MODEL_PREFIX} prefix removed), as {@link #write} takes them. */
        public Map<String, NDArray> model() {
            Map<String, NDArray> model = new LinkedHashMap<>();
            tensors.forEach((name, t) -> {
                if (name.startsWith(MODEL_PREFIX)) {
                    model.put(name.substring(MODEL_PREFIX.length()), t);
                }
            });
            return model;
        }
    }

    /** Writes a checkpoint atomically (temporary file + move). */
    public static void write(Path file, Header header, Map<String, NDArray> model, Map<String, NDArray> momentum) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(tmp);
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(HEADER_ENTRY));
                zip.write(JSON.writeValueAsBytes(header));
                zip.closeEntry();
                writeTensors(zip, MODEL_PREFIX, model);
                if (momentum != null) {
                    writeTensors(zip, MOMENTUM_PREFIX, momentum);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new UncheckedIOException(file + ": cannot write checkpoint: " + e.getMessage(), e);
        }
    }

    /** Encodes the tensors with DJL's NumPy encoder (NPZ) and copies each {@code .npy} entry under its own name. */
    private static void writeTensors(ZipOutputStream zip, String prefix, Map<String, NDArray> tensors)
            throws IOException {
        if (tensors.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(tensors.keySet());
        NDList list = new NDList();
        for (String name : names) {
            NDArray t = tensors.get(name);
            list.add(t.getDevice().isGpu() ? t.toDevice(ai.djl.Device.cpu(), true) : t);
        }
        ByteArrayOutputStream npz = new ByteArrayOutputStream();
        list.encode(npz, NDList.Encoding.NPZ);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(npz.toByteArray()))) {
            int i = 0;
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry(), i++) {
                zip.putNextEntry(new ZipEntry(prefix + names.get(i) + ".npy"));
                in.transferTo(zip);
                zip.closeEntry();
            }
            if (i != names.size()) {
                throw new IOException("NPZ encoder wrote " + i + " arrays for " + names.size() + " tensors");
            }
        }
    }

    /** Reads only the header (cheap: no tensors decoded). */
    public static Header readHeader(Path file) {
        try (ZipInputStream zip = open(file)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(HEADER_ENTRY)) {
                    return parseHeader(file, zip.readAllBytes());
                }
            }
            throw invalid(file, "has no " + HEADER_ENTRY + " (not a soft-cifar checkpoint)");
        } catch (IOException e) {
            throw invalid(file, "cannot be read as a checkpoint (" + e.getMessage() + ")");
        }
    }

    /** Reads header and tensors into {@code manager}. */
    public static Loaded read(Path file, NDManager manager) {
        Header header = null;
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (ZipInputStream zip = open(file)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals(HEADER_ENTRY)) {
                    header = parseHeader(file, bytes);
                    refuseKernelMatrixSngp(file, header);
                } else if (e.getName().endsWith(".npy")) {
                    NDList decoded = NDList.decode(manager, bytes);
                    String name = e.getName().substring(0, e.getName().length() - ".npy".length());
                    tensors.put(name, decoded.singletonOrThrow());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae
                    && iae.getMessage() != null
                    && iae.getMessage().startsWith(file.toString())) {
                throw iae;
            }
            throw invalid(file, "is corrupt or truncated (" + e.getMessage() + ")");
        }
        if (header == null) {
            throw invalid(file, "has no " + HEADER_ENTRY + " (not a soft-cifar checkpoint)");
        }
        return new Loaded(file, header, tensors);
    }

    private static ZipInputStream open(Path file) throws IOException {
        try {
            InputStream in = Files.newInputStream(file);
            return new ZipInputStream(new java.io.BufferedInputStream(in));
        } catch (NoSuchFileException e) {
            throw invalid(file, "not found");
        }
    }

    private static Header parseHeader(Path file, byte[] bytes) {
        Header h;
        try {
            h = JSON.readValue(bytes, Header.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalid(file, HEADER_ENTRY + " is not valid (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw invalid(file, HEADER_ENTRY + " cannot be read (" + e.getMessage() + ")");
        }
        if (!FORMAT.equals(h.format())) {
            throw invalid(file, "format is '" + h.format() + "', expected '" + FORMAT + "'");
        }
        if (h.version() > VERSION) {
            throw invalid(
                    file,
                    "checkpoint format version " + h.version() + " is newer than this program reads (" + VERSION
                            + "); upgrade soft-cifar");
        }
        return h;
    }

    /** The header is the archive's first entry, so this fails before any tensor is decoded. */
    private static void refuseKernelMatrixSngp(Path file, Header h) {
        if (h.version() < FIRST_VERSION_WITH_OPERATOR_NORM
                && h.config() != null
                && h.config().model() != null
                && h.config().model().methodConfig().backboneSpectralBound() != null) {
            throw invalid(
                    file,
                    "is an SNGP checkpoint of format version " + h.version() + ", whose spectral norm of"
                            + " 3×3 convs was the kernel matrix's; since version " + FIRST_VERSION_WITH_OPERATOR_NORM
                            + " it is the convolution operator's, so this model must be trained again");
        }
    }

    static IllegalArgumentException invalid(Path file, String problem) {
        return new IllegalArgumentException(file + ": " + problem);
    }

    static String now() {
        return Instant.now().toString();
    }
}
