package io.softcifar.contracts.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.util.Sha256;
import java.util.List;

/**
 * The identity of a run's configuration: what of a {@link RunSpec} changes the model it learns, as canonical JSON
 * and as the short key that groups the runs of one configuration over seeds. Run ids and checkpoint keys are made
 * from the key, so its format is a contract.
 */
final class ConfigurationIdentity {

    private ConfigurationIdentity() {}

    /**
     * The configuration as canonical JSON (sorted keys, defaults applied) without what does not change the model a
     * run learns: the seed (runs of one configuration differ only in it), the device and the checkpoint interval,
     * plus settings the chosen method or mixing ignores (mixAlpha/mixProbability without mixing, dropoutRate
     * outside method dropout), an entropyThreshold of 0, which is the same as none, a precision of fp32 (the same as
     * none), and nesterov and mixProbabilityFromEntropy when false.
     *
     * @throws InvalidSpecException if the spec is invalid
     */
    static String json(RunSpec spec) {
        spec.requireValid();
        RunSpec s = spec.withDefaults();
        ObjectNode tree = EventCodec.json().valueToTree(s);
        tree.remove(List.of("seed", "device", "checkpointEvery"));
        if (RunSpec.MIXING_NONE.equals(s.mixing())) {
            tree.remove(List.of("mixAlpha", "mixProbability", "mixProbabilityFromEntropy"));
        }
        // options added later are left out at their default, so the keys of configurations that existed before them
        // do not change (a run resumed under such a key continues with plain momentum: the buffer is the same)
        if (!s.nesterov()) {
            tree.remove("nesterov");
        }
        if (!s.mixProbabilityFromEntropy()) {
            tree.remove("mixProbabilityFromEntropy");
        }
        if (RunSpec.PRECISION_FP32.equals(s.precision())) {
            tree.remove("precision"); // the same as none
        }
        if (!RunSpec.METHOD_DROPOUT.equals(s.method())) {
            tree.remove("dropoutRate");
        }
        if (s.entropyThreshold() != null && s.entropyThreshold() == 0) {
            tree.remove("entropyThreshold"); // replaces no label: the same as none
        }
        return EventCodec.toCanonicalJson(tree);
    }

    /**
     * A stable key that groups the runs of one configuration over seeds, e.g. {@code sngp-soft-mixup-1f0c4e9a2b7d}
     * or {@code dropout-hard-noaug-0a1b2c3d4e5f}: method, label mode, mixing (when not none), {@code noaug} when
     * augmentation is off, then the first 12 hex digits of the SHA-256 of
     * {@link RunSpec#configurationJson()}. Valid as an object-key id.
     *
     * @throws InvalidSpecException if the spec is invalid
     */
    static String key(RunSpec spec) {
        RunSpec s = spec.withDefaults();
        String hash = Sha256.hex(json(spec)).substring(0, 12);
        return s.method() + "-" + s.labelMode() + (RunSpec.MIXING_NONE.equals(s.mixing()) ? "" : "-" + s.mixing())
                + (s.augment() ? "" : "-noaug") + "-" + hash;
    }
}
