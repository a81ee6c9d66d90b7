package io.softcifar.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where the object store is and which bucket a service uses: the {@code softcifar.s3.*} settings of a service.
 *
 * <p>Checked when built, so that a typo in a setting fails at start-up with the setting's name and value rather than
 * at the first upload with a signature error.
 *
 * @param endpoint  {@code http(s)://host:port} of the S3 API (MinIO, S3Proxy, AWS)
 * @param accessKey the access key id
 * @param secretKey the secret key; never shown by {@link #toString()}
 * @param bucket    the bucket all keys live in
 * @param region    the signing region; MinIO and S3Proxy accept {@value #DEFAULT_REGION}, the default when blank
 */
public record ObjectStoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {

    public static final String DEFAULT_REGION = "us-east-1";

    /** The S3 rules for bucket names: 3–63 characters, lower-case letters, digits, dots and hyphens. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public ObjectStoreConfig {
        endpoint = requireEndpoint(endpoint);
        accessKey = requireText(accessKey, "access key");
        secretKey = requireText(secretKey, "secret key");
        bucket = requireBucket(bucket);
        region = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
    }

    /** A configuration in the {@value #DEFAULT_REGION} region. */
    public static ObjectStoreConfig of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new ObjectStoreConfig(endpoint, accessKey, secretKey, bucket, DEFAULT_REGION);
    }

    /** The same store, another bucket. */
    public ObjectStoreConfig withBucket(String otherBucket) {
        return new ObjectStoreConfig(endpoint, accessKey, secretKey, otherBucket, region);
    }

    @Override
    public String toString() {
        return "ObjectStoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket="
                + bucket + ", region=" + region + "]";
    }

    private static String requireEndpoint(String endpoint) {
        String value = requireText(endpoint, "endpoint");
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("S3 endpoint is not a URL: '" + value + "' (" + e.getReason() + ")");
        }
        if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "S3 endpoint must look like http://host:port or https://host, got '" + value + "'");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath())) {
            throw new IllegalArgumentException(
                    "S3 endpoint must not have a path (the bucket is set separately), got '" + value + "'");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String requireBucket(String bucket) {
        String value = requireText(bucket, "bucket");
        if (!BUCKET_NAME.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("S3 bucket name '" + value + "' is not valid: use 3-63 lower-case"
                    + " letters, digits, dots or hyphens, starting and ending with a letter or digit");
        }
        return value;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("S3 " + what + " must be set");
        }
        return value.strip();
    }
}
