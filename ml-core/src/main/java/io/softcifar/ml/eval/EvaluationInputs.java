package io.softcifar.ml.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.softcifar.ml.data.ImageTensors;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.NpyFiles;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.train.Augmentation;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.CheckpointRestore;
import io.softcifar.ml.train.EngineSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of an evaluation, added to an {@link EvaluationDump} folder ({@code evaluate --dump DIR --dump-inputs}) so
 * that an independent implementation ({@code tools/crosscheck}) can recompute every output from the dump and the
 * checkpoint alone. Files, for N test images and each OOD set {@code <set>} of M images:
 *
 * <ul>
 *   <li>{@code test_images.npy} uint8 N×3×32×32 (channel-major RGB, the raw pixels; row i is {@code test_indices[i]});
 *   <li>{@code ood_<set>_images.npy} uint8 M×3×32×32 (row j is {@code ood_<set>_indices[j]} of the OOD file);
 *   <li>{@code test_one_pass_outputs.npy}, {@code ood_<set>_one_pass_outputs.npy} float32 N×C / M×C: one inference
 *       pass with dropout off ({@link CifarNet#forward} in {@link Mode#EVAL}) — what MC Dropout computes with its
 *       masks removed, and for the other methods their raw output (logits; DUQ kernel values);
 *   <li>{@code inputs.json}: the normalization mean/std (from the checkpoint) and the list of these files.
 * </ul>
 * The model is rebuilt from the checkpoint here rather than inside {@link Evaluator}, which stays unchanged.
 */
public final class EvaluationInputs {

    public static final String FORMAT = "softcifar-evaluation-inputs";
    public static final int VERSION = 1;
    public static final String INDEX_FILE = "inputs.json";
    private static final int BATCH = 250;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluationInputs() {}

    /**
     * Writes the inputs of {@code result} (an evaluation of {@code checkpoint} on {@code data} and {@code ood}) into the
     * dump folder {@code dir}.
     */
    public static void write(
            Path dir, Path checkpoint, SoftLabelDataset data, Map<String, LabeledImages> ood, EvaluationResult result) {
        EngineSetup.engine();
        List<Map<String, Object>> files = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, root);
            Checkpoint.Header header = loaded.header();
            long seed = header.config().seed();
            EngineSetup.seed(seed);
            CifarNet net = new CifarNet(root, loaded.modelConfig(), seed);
            CheckpointRestore.model(loaded, net);
            Augmentation normalization = new Augmentation(root, header.mean(), header.std());

            LabeledImages test = data.images().subset(result.testIndices());
            writeImages(root, dir, files, "test_images.npy", test, "raw test pixels; row i is test_indices[i]");
            writeOnePass(root, net, normalization, dir, files, "test_one_pass_outputs.npy", test);
            for (EvaluationResult.OodOutputs o : result.ood().values()) {
                LabeledImages all = ood.get(o.name());
                if (all == null) {
                    throw new IllegalArgumentException("ood: the images of set " + o.name() + " were not given");
                }
                LabeledImages subset = all.subset(o.indices());
                writeImages(
                        root,
                        dir,
                        files,
                        "ood_" + o.name() + "_images.npy",
                        subset,
                        "raw " + o.name() + " pixels; row j is ood_" + o.name() + "_indices[j] of the OOD file");
                writeOnePass(root, net, normalization, dir, files, "ood_" + o.name() + "_one_pass_outputs.npy", subset);
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("format", FORMAT);
            index.put("version", VERSION);
            index.put("checkpoint", checkpoint.toString());
            Map<String, Object> norm = new LinkedHashMap<>();
            norm.put("mean", header.mean());
            norm.put("std", header.std());
            norm.put("formula", "x = (pixels / 255 - mean[c]) / std[c] per channel c");
            index.put("normalization", norm);
            index.put("files", files);
            try {
                JSON.writeValue(dir.resolve(INDEX_FILE).toFile(), index);
            } catch (IOException e) {
                throw new UncheckedIOException(dir.resolve(INDEX_FILE) + ": cannot write: " + e.getMessage(), e);
            }
        }
    }

    private static void writeImages(
            NDManager root,
            Path dir,
            List<Map<String, Object>> files,
            String name,
            LabeledImages images,
            String description) {
        try (NDManager sm = root.newSubManager()) {
            NDArray px = ImageTensors.upload(sm, images);
            NpyFiles.write(dir.resolve(name), px);
        }
        files.add(EvaluationDump.entry(name, "uint8", new long[] {images.count(), 3, 32, 32}, description));
    }

    private static void writeOnePass(
            NDManager root,
            CifarNet net,
            Augmentation normalization,
            Path dir,
            List<Map<String, Object>> files,
            String name,
            LabeledImages images) {
        int n = images.count();
        int classes = net.config().classes();
        float[] out = new float[n * classes];
        try (NDManager sm = root.newSubManager()) {
            NDArray all = ImageTensors.upload(sm, images);
            NormalizedBatches.forEach(all, BATCH, normalization, sm, (x, at, to) -> {
                float[] v = net.forward(x, Mode.EVAL)
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                System.arraycopy(v, 0, out, at * classes, v.length);
            });
        }
        NpyFiles.writeFloat32(dir.resolve(name), out, n, classes);
        files.add(EvaluationDump.entry(
                name,
                "float32",
                new long[] {n, classes},
                "one inference pass with dropout off: logits"
                        + " (basic; MC Dropout without its masks; SNGP GP mean logits) or DUQ kernel values"));
    }
}
