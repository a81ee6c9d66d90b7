package io.softcifar.contracts.spec;

/**
 * One problem with a request, named by the path of the offending field so a user can fix it
 * ({@code splitRatios.train}, {@code sources.cifar10hProbs.url}, {@code milestones[2]}).
 *
 * @param field   path of the field, dotted for nested records, {@code [i]} for list elements
 * @param message what is wrong, with the offending value, and what would be accepted
 */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
