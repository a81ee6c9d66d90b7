package io.softcifar.dataset.rest;

import java.util.List;

/**
 * The body of every 4xx/5xx answer: a one-line summary and, for invalid input, one entry per bad field
 * (or file), each with the reason.
 */
public record ApiError(int status, String error, List<Problem> problems) {

    /** A field path such as {@code splitRatios.train} (or a file name) and what is wrong with it. */
    public record Problem(String field, String message) {}

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }
}
