package io.softcifar.contracts.study;

import io.softcifar.contracts.spec.RunSpec;

/**
 * One configuration of a study (a row of the comparison): everything but the seed.
 *
 * @param key   {@code RunSpec.configurationKey()} of the spec on the study's dataset placeholder, e.g.
 *              {@code sngp-soft-mixup-1f0c4e9a2b7d}: the study's runs share one dataset, so it tells the
 *              configurations of a study apart exactly as the key of the real dataset would
 * @param label the reference table's wording, e.g. "dropout, no aug, soft", "SNGP, hard, Mixup", plus
 *              {@code name=value} for every other setting the grid varies
 * @param spec  the spec without seed, on the placeholder dataset
 */
public record Configuration(String key, String label, RunSpec spec) {}
