package io.softcifar.results.rest;

import java.util.List;

/**
 * The body of every 4xx/5xx answer: a one-line summary and, for invalid input, one entry per bad field, each with
 * the reason (the same shape as the dataset-service's).
 */
public record ApiError(int status, String error, List<Problem> problems) {

    /** A field path such as {@code grid.methods[1]} and what is wrong with it. */
    public record Problem(String field, String message) {}

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }
}
