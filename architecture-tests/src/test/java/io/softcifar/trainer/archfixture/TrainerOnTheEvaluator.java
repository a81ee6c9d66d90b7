package io.softcifar.trainer.archfixture;

import io.softcifar.evaluator.config.EvaluatorSettings;

/** Deliberately wrong, for ModuleBoundariesTest: one service that uses another service's class. */
public class TrainerOnTheEvaluator {
    EvaluatorSettings borrowed;
}
