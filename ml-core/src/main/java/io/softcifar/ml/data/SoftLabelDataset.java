package io.softcifar.ml.data;

import java.util.Objects;

/**
 * The study's data (PROTOCOL.md, "Data"): images with their human soft labels.
 *
 * <ul>
 *   <li>{@link #hardLabels()}: argmax of the <em>original</em> soft label (ties → lowest index, like
 *       {@code numpy.argmax}) — not the official CIFAR label ({@link #officialLabels()}), which differs on 79
 *       CIFAR-10H images. Evaluation always uses these.
 *   <li>{@link #entropies()}: Shannon entropy (nats) of each soft label.
 *   <li>{@link #withEntropyThreshold(double)}: soft labels with entropy below the threshold become the one-hot of
 *       their hard label; the hard labels themselves never change.
 * </ul>
 */
public final class SoftLabelDataset {

    private final LabeledImages images;
    private final SoftLabels softLabels;
    private final int[] hardLabels;

    /**
     * @throws InvalidDataException if the number of soft-label rows differs from the number of images
     */
    public SoftLabelDataset(LabeledImages images, SoftLabels softLabels) {
        this(images, softLabels, null);
    }

    private SoftLabelDataset(LabeledImages images, SoftLabels softLabels, int[] hardLabels) {
        this.images = Objects.requireNonNull(images, "images");
        this.softLabels = Objects.requireNonNull(softLabels, "softLabels");
        if (softLabels.count() != images.count()) {
            throw new InvalidDataException(softLabels.source() + ": " + softLabels.count()
                    + " soft-label rows but there are " + images.count() + " images");
        }
        this.hardLabels = hardLabels != null ? hardLabels : softLabels.argmaxes();
    }

    public LabeledImages images() {
        return images;
    }

    /** The (possibly thresholded) training targets. */
    public SoftLabels softLabels() {
        return softLabels;
    }

    public int size() {
        return images.count();
    }

    public int numClasses() {
        return softLabels.numClasses();
    }

    /** Hard labels (argmax of the original soft labels), a copy. */
    public int[] hardLabels() {
        return hardLabels.clone();
    }

    public int hardLabel(int i) {
        return hardLabels[i];
    }

    /** The labels stored with the images (the official CIFAR-10 labels for test_batch.bin). */
    public int[] officialLabels() {
        return images.labels().clone();
    }

    /** Entropy (nats) of each current soft label. */
    public double[] entropies() {
        return softLabels.entropies();
    }

    /** Mean of {@link #entropies()}. */
    public double meanEntropy() {
        double s = 0;
        for (double h : entropies()) {
            s += h;
        }
        return s / size();
    }

    /** Fraction of images whose soft label's largest probability is below 1. */
    public double fractionUncertain() {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            if (softLabels.maxProb(i) < 1.0) {
                c++;
            }
        }
        return (double) c / size();
    }

    /** Fraction of images whose hard label equals the label stored with the image. */
    public double agreementWithOfficialLabels() {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            if (hardLabels[i] == images.label(i)) {
                c++;
            }
        }
        return (double) c / size();
    }

    /**
     * Soft labels whose entropy is strictly below {@code threshold} are replaced by the one-hot of their hard
     * label; threshold 0 keeps all soft labels.
     *
     * @throws InvalidDataException if the threshold is NaN or negative
     */
    public SoftLabelDataset withEntropyThreshold(double threshold) {
        return new SoftLabelDataset(images, softLabels.withEntropyThreshold(threshold), hardLabels);
    }

    /** The hard-label arm: every target is the one-hot of its hard label. */
    public SoftLabelDataset withHardTargets() {
        return new SoftLabelDataset(
                images, SoftLabels.oneHot(softLabels.source(), hardLabels, numClasses()), hardLabels);
    }

    /** The items at {@code indices}, in that order. */
    public SoftLabelDataset subset(int[] indices) {
        int[] hard = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            hard[j] = hardLabels[Objects.checkIndex(indices[j], size())];
        }
        return new SoftLabelDataset(images.subset(indices), softLabels.subset(indices), hard);
    }
}
