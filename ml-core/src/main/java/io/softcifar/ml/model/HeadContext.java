package io.softcifar.ml.model;

import ai.djl.ndarray.NDManager;

/**
 * What a head is built from besides its own {@link MethodConfig}.
 *
 * @param manager the network's manager: parameters and buffers live here
 * @param backbone the network's backbone, already built (its features have {@link ResNet#FEATURES} dimensions)
 * @param classes number of classes
 * @param seed the run seed (for draws a head makes in Java, e.g. SNGP's random features)
 */
public record HeadContext(NDManager manager, ResNet backbone, int classes, long seed) {}
