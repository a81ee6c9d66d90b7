package io.softcifar.contracts.events;

/**
 * One bin of a reliability diagram over the predicted confidence (max probability), equal-width bins on [0, 1].
 * Empty bins have {@code count = 0} and 0 for the means (never NaN, so the JSON stays standard).
 *
 * @param lower          lower edge (exclusive, except 0 for the first bin)
 * @param upper          upper edge (inclusive)
 * @param count          test points whose confidence falls in the bin
 * @param meanConfidence their mean confidence
 * @param accuracy       fraction of them classified correctly
 */
public record ReliabilityBin(double lower, double upper, int count, double meanConfidence, double accuracy) {}
