package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.ImageTensors;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.nn.Autograd;

/**
 * The validation pass after each epoch: loss and hard-label accuracy over the whole validation set in inference mode,
 * in batches of {@value #EVAL_BATCH}. The validation images stay on the device for the whole run, like the training
 * images.
 */
final class ValidationPass {

    private static final int EVAL_BATCH = 500;

    /** Mean validation loss and the fraction of validation images whose arg-max is the hard label. */
    record Result(double loss, double accuracy) {}

    private final NDManager root;
    private final CifarNet net;
    private final Augmentation augmentation;
    private final NDArray valX;
    private final NDArray valY;
    private final int[] valHard;

    ValidationPass(NDManager root, CifarNet net, Augmentation augmentation, TrainingData data) {
        this.root = root;
        this.net = net;
        this.augmentation = augmentation;
        valX = ImageTensors.upload(root, data.valImages());
        valY = root.create(data.valTargets(), new Shape(data.valImages().count(), data.classes()));
        valHard = data.valHardLabels();
    }

    Result run() {
        int n = (int) valX.getShape().get(0);
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int to = Math.min(n, from + EVAL_BATCH);
            try (NDManager sm = root.newSubManager()) {
                NDArray x = augmentation.normalize(
                        Augmentation.toUnitRange(Trainer.scoped(valX.get(new NDIndex(from + ":" + to)), sm)));
                NDArray y = Trainer.scoped(valY.get(new NDIndex(from + ":" + to)), sm);
                final double[] out = new double[1];
                final int[] predicted = new int[to - from];
                Autograd.noGrad(() -> {
                    Prediction p = net.predict(x);
                    out[0] = net.validationLoss(p, y).getFloat();
                    long[] arg = p.probabilities().argMax(1).toLongArray();
                    for (int i = 0; i < arg.length; i++) {
                        predicted[i] = (int) arg[i];
                    }
                });
                lossSum += out[0] * (to - from);
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == valHard[from + i]) {
                        correct++;
                    }
                }
            }
        }
        return new Result(lossSum / n, correct / (double) n);
    }
}
