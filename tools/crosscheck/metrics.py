"""The study's metrics (PROTOCOL.md, "Metrics"), written from their definitions with NumPy only."""

import numpy as np

BINS = 10


def accuracy(probabilities, labels):
    return float(np.mean(np.argmax(probabilities, 1) == labels))


def confidence_bins(confidence):
    """Bin m holds m/10 < conf <= (m+1)/10 (conf = 0 in bin 0)."""
    return np.clip(np.ceil(confidence * BINS).astype(int) - 1, 0, BINS - 1)


def ece(probabilities, labels):
    """Expected calibration error, 10 equal-width bins on the predicted confidence (max probability):
    sum over bins of |B|/N * |acc(B) - conf(B)|."""
    confidence = probabilities.max(1)
    correct = np.argmax(probabilities, 1) == labels
    bins = confidence_bins(confidence)
    total = 0.0
    for m in range(BINS):
        inside = bins == m
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def auroc(in_scores, out_scores):
    """P(score of a random in-distribution point > score of a random OOD point), ties counted 1/2 (Mann-Whitney)."""
    in_scores = np.asarray(in_scores, dtype=np.float64)
    out_scores = np.asarray(out_scores, dtype=np.float64)
    both = np.concatenate([in_scores, out_scores])
    order = np.argsort(both, kind="mergesort")
    ranks = np.empty(len(both), dtype=np.float64)
    sorted_scores = both[order]
    start = 0
    while start < len(both):  # average ranks over runs of equal scores
        end = start
        while end + 1 < len(both) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2.0 + 1.0
        start = end + 1
    n_in, n_out = len(in_scores), len(out_scores)
    return float((ranks[:n_in].sum() - n_in * (n_in + 1) / 2.0) / (n_in * n_out))


def fgsm_decrease(predictions_after, labels):
    """Fraction of attacked points (prediction_after >= 0) that are now wrong."""
    attacked = predictions_after >= 0
    if not attacked.any():
        return 0.0
    return float(np.mean(predictions_after[attacked] != labels[attacked]))
