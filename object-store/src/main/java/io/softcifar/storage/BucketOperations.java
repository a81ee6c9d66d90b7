package io.softcifar.storage;

import io.minio.MinioClient;

/**
 * What every operation on the store's bucket needs: the client, the bucket's name, the failure messages, and the
 * check that the store is still open.
 */
abstract class BucketOperations {

    final MinioClient client;
    final S3Failures failures;
    private final String bucket;
    private final Runnable openCheck;

    BucketOperations(MinioClient client, String bucket, S3Failures failures, Runnable openCheck) {
        this.client = client;
        this.bucket = bucket;
        this.failures = failures;
        this.openCheck = openCheck;
    }

    final String bucket() {
        return bucket;
    }

    final void ensureOpen() {
        openCheck.run();
    }

    /** S3 sends entity tags in quotes; MinIO passes them on as they came. */
    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
