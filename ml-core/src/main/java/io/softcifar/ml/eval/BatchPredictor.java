package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.data.ImageTensors;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.sngp.SngpHead;
import io.softcifar.ml.train.Augmentation;
import java.util.Locale;

/**
 * Clean predictions of a restored network: images uploaded, normalized and predicted in batches without gradient
 * (each batch in its own sub-manager), copied into plain arrays, and checked to be finite.
 */
record BatchPredictor(
        CifarNet net,
        NDManager root,
        Augmentation normalization,
        EvaluationResult.Info info,
        int batchSize,
        Evaluator.Listener listener) {

    private int classes() {
        return net.config().classes();
    }

    NDArray upload(LabeledImages images) {
        return ImageTensors.upload(root, images);
    }

    /**
     * Clean predictions of all images, in batches, without gradient; {@code refOut[0]} receives the reference
     * variant's probabilities ({@link Prediction#referenceProbabilities()}) when the method has one.
     */
    EvaluationResult.Outputs predictAll(NDArray images, String phase, float[][] mcOut, float[][] refOut) {
        int n = (int) images.getShape().get(0);
        float[] probs = new float[n * classes()];
        float[] logits = new float[n * classes()];
        float[] scores = new float[n];
        float[] mc = mcOut == null ? null : new float[n * classes()];
        float[] mcLogits = mcOut == null ? null : new float[n * classes()];
        float[][] ref = new float[1][];
        NormalizedBatches.forEach(images, batchSize, normalization, root, (x, at, to) -> {
            Prediction p = net.predict(x, info.passes());
            copy(p.probabilities(), probs, at * classes());
            copy(p.logits(), logits, at * classes());
            copy(p.nativeScore(), scores, at);
            if (p.referenceProbabilities() != null) {
                if (ref[0] == null) {
                    ref[0] = new float[n * classes()];
                }
                copy(p.referenceProbabilities(), ref[0], at * classes());
            }
            if (mc != null) {
                SngpHead.MonteCarlo draws = net.head(SngpHead.class).monteCarlo(x, info.sngpMcSamples());
                copy(draws.meanProbabilities(), mc, at * classes());
                copy(draws.meanLogits(), mcLogits, at * classes());
            }
            listener.progress(phase, to, n);
        });
        if (mcOut != null) {
            mcOut[0] = mc;
            mcOut[1] = mcLogits;
        }
        refOut[0] = ref[0];
        return new EvaluationResult.Outputs(n, classes(), probs, logits, scores);
    }

    private static void copy(NDArray a, float[] dest, int offset) {
        float[] v = (a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false)).toFloatArray();
        System.arraycopy(v, 0, dest, offset, v.length);
    }

    void requireFinite(EvaluationResult.Outputs o, String phase, int[] indices) {
        String[] what = {"logit", "probability"};
        float[][] arrays = {o.logits(), o.probabilities()};
        for (int a = 0; a < arrays.length; a++) {
            float[] v = arrays[a];
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    int row = i / classes();
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "%s: the model's output is not finite (%s of class %d is %s for %s image %d, index %d"
                                    + " of its file): the weights are probably diverged",
                            info.checkpoint() == null ? "model" : info.checkpoint(),
                            what[a],
                            i % classes(),
                            v[i],
                            phase,
                            row,
                            indices[row]));
                }
            }
        }
        for (int i = 0; i < o.count(); i++) {
            if (!Float.isFinite(o.nativeScores()[i])) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s: the model's native score is %s for %s image %d: the weights are probably diverged",
                        info.checkpoint() == null ? "model" : info.checkpoint(),
                        o.nativeScores()[i],
                        phase,
                        i));
            }
        }
    }
}
