package io.softcifar.results.artifacts;

import io.softcifar.contracts.Nullable;

/**
 * A file of a run that can be downloaded through the results-service: a checkpoint or a file of its evaluation.
 *
 * @param name   the path below the run's prefix, e.g. {@code checkpoints/best.ckpt}, {@code evaluation/dump.json}; the
 *               download is {@code GET /api/runs/{runId}/artifacts/{name}}
 * @param kind   {@code checkpoint} or {@code evaluation}
 * @param epoch  a checkpoint's epoch (null for evaluation files)
 * @param bytes  size
 * @param sha256 hex SHA-256 of the content (as the trainer published it for checkpoints, computed once and cached for
 *               evaluation files)
 */
public record Artifact(String name, String kind, @Nullable Integer epoch, long bytes, String sha256) {

    public static final String CHECKPOINT = "checkpoint";
    public static final String EVALUATION = "evaluation";
}
