package io.softcifar.contracts.study;

import io.softcifar.contracts.spec.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference's 30 configurations (PROTOCOL.md "Training"; × seeds 0..4 = 150 runs): five families × {soft, hard}
 * × {no mixing, Mixup, CutMix}. The families are those of the reference's {@code train_many*.py} scripts
 * (sam-laing/soft_cifar history, deleted in 32e512c):
 * <ol>
 *   <li><b>basic</b>, augmented;
 *   <li><b>MC Dropout without augmentation</b> ({@code train_many.py} at ebfb1c7: {@code do_augmentation 'n'},
 *       dropout 0.1);
 *   <li><b>MC Dropout</b>, augmented ({@code train_many.py} at 2794fcc: {@code 'y'}, dropout 0.1);
 *   <li><b>DUQ</b>, augmented ({@code train_many_duq.py});
 *   <li><b>SNGP</b>, augmented ({@code train_many_sngp.py}).
 * </ol>
 * Within a family the order is the reference table's: soft, hard; then soft Mixup, hard Mixup; soft CutMix, hard
 * CutMix. Every run states its settings: MC Dropout p = 0.1, Mixup/CutMix α = 0.2 and q = 0.15 (the reference's
 * final scripts; see docs/science/preset-and-training.md for the scripts' disagreement on q). Everything else is the
 * RunSpec default (the protocol's), or an override of the study.
 */
public final class PaperPreset {

    /** One family: a method with augmentation on or off. */
    public record Family(String method, boolean augment) {}

    public static final List<Family> FAMILIES = List.of(
            new Family(RunSpec.METHOD_BASIC, true),
            new Family(RunSpec.METHOD_DROPOUT, false),
            new Family(RunSpec.METHOD_DROPOUT, true),
            new Family(RunSpec.METHOD_DUQ, true),
            new Family(RunSpec.METHOD_SNGP, true));

    public static final double DROPOUT_RATE = 0.1;
    public static final double MIX_ALPHA = 0.2;
    public static final double MIX_PROBABILITY = 0.15;

    /** RunSpec fields the preset sets: a study's overrides may not set them too. */
    public static final Set<String> OWNED_FIELDS = Set.of(
            "method",
            "labelMode",
            "mixing",
            "augment",
            "dropoutRate",
            "mixAlpha",
            "mixProbability",
            "mixProbabilityFromEntropy");

    private PaperPreset() {}

    /** The 30 grid points in order: method, labelMode, mixing, augment, and the rate, α and q where they apply. */
    public static List<Map<String, Object>> points() {
        List<Map<String, Object>> points = new ArrayList<>();
        for (Family family : FAMILIES) {
            for (String mixing : RunSpec.MIXINGS) {
                for (String labels : RunSpec.LABEL_MODES) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("method", family.method());
                    p.put("labelMode", labels);
                    p.put("mixing", mixing);
                    p.put("augment", family.augment());
                    if (RunSpec.METHOD_DROPOUT.equals(family.method())) {
                        p.put("dropoutRate", DROPOUT_RATE);
                    }
                    if (!RunSpec.MIXING_NONE.equals(mixing)) {
                        p.put("mixAlpha", MIX_ALPHA);
                        p.put("mixProbability", MIX_PROBABILITY);
                    }
                    points.add(p);
                }
            }
        }
        return points;
    }
}
