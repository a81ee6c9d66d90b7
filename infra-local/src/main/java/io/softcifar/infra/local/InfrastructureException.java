package io.softcifar.infra.local;

/**
 * The test infrastructure (Kafka broker, S3 server, containers) could not be started or used.
 *
 * <p>The message always names what failed, where (host and port, data directory) and the underlying cause, so a
 * failing test or {@code softcifar up} prints one line a person can act on instead of a Kafka or Jetty stack trace.
 */
public class InfrastructureException extends RuntimeException {

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The innermost message of a chain of exceptions, which is usually the one that says what went wrong. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
