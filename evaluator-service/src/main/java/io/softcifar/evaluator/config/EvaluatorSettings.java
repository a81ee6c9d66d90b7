package io.softcifar.evaluator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;

/** {@code softcifar.evaluator.*}: staging folder, concurrency, device and the evaluation options of ml-core. */
@ConfigMapping(prefix = "softcifar.evaluator")
public interface EvaluatorSettings {

    /** Checkpoints, shards and the dump are staged here, one folder per evaluation, deleted afterwards. */
    Path workDir();

    /** Evaluations at the same time (each holds its test split, OOD sets and model in memory). */
    @WithDefault("1")
    int slots();

    /** Consumer group of the checkpoint consumer; replicas in one group share the partitions. */
    @WithDefault("evaluator-service")
    String consumerGroup();

    /** auto, cpu or gpu. */
    @WithDefault("auto")
    String device();

    /** FGSM step sizes ε in pixel units of [0, 1]; each gives {@code fgsm/<ε>_decrease}. */
    @WithDefault("0.005")
    List<Double> fgsmEpsilons();

    /** MC Dropout passes S per prediction. */
    @WithDefault("10")
    int mcSamples();

    /**
     * SNGP only: logit draws of the reference's Monte-Carlo prediction (mean softmax of draws from the mean-field
     * posterior), reported beside the mean-field metrics as {@code test_mc_logits/*}; 0 = not computed.
     */
    @WithDefault("1000")
    int sngpMcSamples();

    /** Images per inference batch. */
    @WithDefault("250")
    int batchSize();
}
