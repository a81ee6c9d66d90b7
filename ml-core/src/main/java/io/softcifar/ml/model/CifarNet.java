package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Bf16Convolution;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import java.util.Map;

/**
 * ResNet backbone + the method's {@link UncertaintyHead}: the one model type the trainer, the evaluator and the CLI
 * use. What differs between methods is in the head (built by the {@link Method} catalogue) and in what the method's
 * {@link MethodConfig} asks of the backbone; this class only wires them.
 *
 * <p>All parameters and buffers live in the manager given at construction; forward passes create their arrays in
 * the manager of the input batch, which the caller closes after the step.
 */
public final class CifarNet extends Module {

    private final ModelConfig config;
    private final ResNet backbone;
    private final UncertaintyHead head;

    /**
     * Builds and initializes the network. Initialization draws from PyTorch's generator: seed it first, with no other
     * thread drawing in between (the trainer builds it inside one {@code RunRandom.draw}); the SNGP random features
     * are drawn from {@code seed} in Java so they are identical on every device.
     */
    public CifarNet(NDManager manager, ModelConfig config, long seed) {
        this.config = config;
        MethodConfig method = config.methodConfig();
        backbone = registerChild(
                "backbone",
                new ResNet(
                        manager,
                        config.blocksPerStage(),
                        method.backboneDropout(),
                        method.backboneSpectralBound(),
                        config.imageSize()));
        head = config.method().newHead(method, new HeadContext(manager, backbone, config.classes(), seed));
        for (Map.Entry<String, Module> layer : head.layers().entrySet()) {
            registerChild(layer.getKey(), layer.getValue());
        }
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * Sets the arithmetic of the backbone: {@link Precision#BF16} computes its convolutions with {@code kernel} (one
     * scripted module, shared) and keeps the activations between them bfloat16 (the features it returns are float32),
     * {@link Precision#FP32} computes everything in float32. Parameters, heads and losses stay float32.
     */
    public void computeConvolutionsIn(Precision precision, Bf16Convolution kernel) {
        if (precision == Precision.BF16 && kernel == null) {
            throw new IllegalArgumentException("bf16 needs its convolution kernel");
        }
        backbone.computeIn(precision == Precision.BF16 ? kernel : null);
    }

    /** The method's head. */
    public UncertaintyHead head() {
        return head;
    }

    /**
     * The head as the given type, for what only one method has (SNGP's Monte-Carlo prediction, DUQ's loss terms).
     *
     * @throws IllegalStateException naming the method if the head is of another type
     */
    public <H extends UncertaintyHead> H head(Class<H> type) {
        if (!type.isInstance(head)) {
            throw new IllegalStateException(type.getSimpleName() + " needed, but this is a "
                    + config.method().id() + " model");
        }
        return type.cast(head);
    }

    /** Raw output of one pass: logits (basic, dropout, SNGP) or kernel values (DUQ). */
    public NDArray forward(NDArray x, Mode mode) {
        return head.forward(x, mode);
    }

    /** The training loss of a batch (TRAIN mode); must run inside {@link Autograd#enable()}. */
    public NDArray trainingLoss(NDArray x, NDArray targets) {
        return head.trainingLoss(x, targets);
    }

    /** The training loss and the raw output of the same pass (TRAIN mode); inside {@link Autograd#enable()}. */
    public UncertaintyHead.TrainingPass trainingPass(NDArray x, NDArray targets) {
        return head.trainingPass(x, targets);
    }

    /** After each optimizer step (DUQ: centroid update from an inference-mode pass, without gradient). */
    public void afterOptimizerStep(NDArray x, NDArray targets) {
        head.afterOptimizerStep(x, targets);
    }

    /** Start of every training epoch (SNGP: precision reset). */
    public void startEpoch() {
        head.startEpoch();
    }

    /** End of every training epoch, before validation (SNGP: covariance from the epoch's precision). */
    public void endEpoch() {
        head.endEpoch();
    }

    /**
     * The predictive distribution of a batch, in inference mode, with the configured number of MC samples (MC
     * Dropout); see {@link UncertaintyHead#predict}.
     */
    public Prediction predict(NDArray x) {
        return predict(x, config.methodConfig().mcSamples());
    }

    public Prediction predict(NDArray x, int mcSamples) {
        return head.predict(x, mcSamples);
    }

    /** Validation loss of a prediction (see the head; DUQ: its BCE on the kernel values, without the penalty). */
    public NDArray validationLoss(Prediction p, NDArray targets) {
        return head.validationLoss(p, targets);
    }
}
