package io.softcifar.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Turns what the MinIO SDK throws into an {@link ObjectStoreException} whose message says, in words, what went wrong
 * and what to check. MinIO's own messages are terse ("NoSuchBucket") and its checked exceptions number nine.
 */
final class S3Failures {

    static final String NO_SUCH_BUCKET = "the bucket does not exist (services create it at start-up with"
            + " ObjectStore.ensureBucket(); otherwise check softcifar.s3.bucket)";

    private static final Set<String> MISSING_OBJECT = Set.of("NoSuchKey", "NoSuchObject", "NotFound");
    private static final Set<String> BAD_CREDENTIALS =
            Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch");

    /** S3 error codes that mean "try again": throttling and the server's own trouble. */
    private static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "XMinioServerNotInitialized");

    private final ObjectStoreConfig config;

    S3Failures(ObjectStoreConfig config) {
        this.config = config;
    }

    /** For an operation on one key ({@code action} is a verb: "read", "upload", …). */
    ObjectStoreException forKey(String action, String key, Exception error) {
        return forKey(action, key, "", error);
    }

    /** As {@link #forKey(String, String, Exception)}, with where the bytes came from or went ("to /tmp/x"). */
    ObjectStoreException forKey(String action, String key, String localSide, Exception error) {
        String message = keyPrefix(action, key, localSide);
        if (error instanceof ErrorResponseException response
                && MISSING_OBJECT.contains(response.errorResponse().code())) {
            return new NoSuchObjectException(key, message + "no such object", error);
        }
        return new ObjectStoreException(message + problem(error), error, transientFailure(error));
    }

    /**
     * For an I/O error while the bytes were moving (a dropped connection, a full disk): the request itself was
     * accepted, so no hint about endpoint or credentials, just what happened.
     */
    ObjectStoreException forTransfer(String action, String key, String localSide, IOException error) {
        return new ObjectStoreException(
                keyPrefix(action, key, localSide) + error.getClass().getSimpleName() + ": " + error.getMessage(),
                error,
                transientFailure(error));
    }

    /**
     * For an operation on the bucket as a whole; the message reads "Cannot ACTION bucket 'b' at ENDPOINT: problem",
     * so {@code action} is e.g. "create" or "list prefix 'runs/' in".
     */
    ObjectStoreException forBucket(String action, Exception error) {
        return new ObjectStoreException(bucketMessage(action, problem(error)), error, transientFailure(error));
    }

    /**
     * True when the store was unreachable, slow or failing on its side (connection refused or reset, a timeout, a
     * 5xx answer, S3's "slow down"): the same request may work later. A local file problem, an unknown host, bad
     * credentials or a missing key or bucket are answers that another try will not change.
     */
    static boolean transientFailure(Throwable error) {
        if (error instanceof ServerException) {
            return true;
        }
        if (error instanceof ErrorResponseException response) {
            return TRANSIENT_CODES.contains(response.errorResponse().code());
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof java.nio.file.FileSystemException) {
                return false;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true; // the connection: refused, reset, cut short (EOF), timed out
            }
        }
        return false;
    }

    private String keyPrefix(String action, String key, String localSide) {
        return "Cannot " + action + " '" + key + "'" + (localSide.isEmpty() ? "" : " " + localSide) + " (bucket '"
                + config.bucket() + "' at " + config.endpoint() + "): ";
    }

    String bucketMessage(String action, String problem) {
        return "Cannot " + action + " bucket '" + config.bucket() + "' at " + config.endpoint() + ": " + problem;
    }

    private String problem(Exception error) {
        if (error instanceof ErrorResponseException response) {
            return serverRefusal(
                    response.errorResponse().code(), response.errorResponse().message());
        }
        if (error instanceof InvalidResponseException) {
            return "the endpoint did not answer like an S3 server (is softcifar.s3.endpoint the S3 API port?): "
                    + error.getMessage();
        }
        if (error instanceof ServerException) {
            return "the server failed: " + error.getMessage();
        }
        if (error instanceof IOException io) {
            return ioProblem(io);
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private String serverRefusal(String code, String detail) {
        if ("NoSuchBucket".equals(code)) {
            return NO_SUCH_BUCKET;
        }
        if (BAD_CREDENTIALS.contains(code)) {
            return "the server refused the credentials of access key '" + config.accessKey() + "' (" + code
                    + "); check softcifar.s3.access-key and softcifar.s3.secret-key";
        }
        if ("RequestTimeTooSkewed".equals(code)) {
            return "the clocks of this machine and the server differ by more than 15 minutes (" + code + ")";
        }
        return code + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }

    private String ioProblem(IOException error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (error instanceof ConnectException || root instanceof ConnectException) {
            return "cannot connect to " + config.endpoint() + " (" + root.getMessage()
                    + "); is the object store running?";
        }
        if (error instanceof UnknownHostException || root instanceof UnknownHostException) {
            return "unknown host in endpoint " + config.endpoint() + "; check softcifar.s3.endpoint";
        }
        if (error instanceof InterruptedIOException) {
            return "no answer in time (" + error.getMessage() + ")";
        }
        return "I/O error (" + error.getMessage() + "); is " + config.endpoint() + " the S3 API of the object store?";
    }
}
