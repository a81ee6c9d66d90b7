package io.softcifar.contracts.errors;

/**
 * The one base of this project's own exceptions. Each message is one line that names what it is about (a field, a
 * file, an event) and the problem, fit for a log line, a dead-letter header or an API error body.
 *
 * <p>The family, by what a consumer does with it ({@code service-common}'s {@code Failures}, docs/reliability.md):
 *
 * <ul>
 *   <li>{@code JsonDecodingException} (contracts): JSON (an event, a manifest, a stored record) that is not the
 *       contract type. Never retried: the same bytes fail the same way.
 *   <li>{@code RejectedEventException} (service-common): a handler's verdict that an event can never be processed.
 *       Dead-lettered at once.
 *   <li>{@code RetryableEventException} (service-common): a handler's verdict that an event cannot be processed
 *       <em>now</em>. Retried with backoff.
 *   <li>{@code InvalidDataException} (ml-core): a data file or an argument describing data is unusable. Not a verdict
 *       of its own: a consumer looks at its cause (a download refused by the network is retried, a malformed file
 *       is not).
 * </ul>
 *
 * Subclasses add only their constructors: none of them is ever serialized, so none declares a
 * {@code serialVersionUID} of its own.
 */
public abstract class SoftcifarException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected SoftcifarException(String message) {
        super(message);
    }

    protected SoftcifarException(String message, Throwable cause) {
        super(message, cause);
    }
}
