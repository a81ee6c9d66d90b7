package io.softcifar.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One try of each transfer of object bytes (uploads of files and bytes; reads whole, by range, as a stream, to a
 * file replaced atomically), its failures turned into {@link ObjectStoreException}s; {@link ObjectStore} retries.
 */
final class ObjectTransfers extends BucketOperations {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectTransfers.class);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    ObjectTransfers(MinioClient client, String bucket, S3Failures failures, Runnable openCheck) {
        super(client, bucket, failures, openCheck);
    }

    String putFile(String key, Path file, String contentType) {
        KeyRules.requireKey(key);
        ensureOpen();
        if (!Files.isRegularFile(file)) {
            throw new ObjectStoreException("Cannot upload '" + key + "' from " + file + ": no such file");
        }
        try {
            return unquote(client.uploadObject(UploadObjectArgs.builder()
                            .bucket(bucket())
                            .object(key)
                            .filename(file.toString())
                            .contentType(contentTypeOrDefault(contentType))
                            .build())
                    .etag());
        } catch (Exception e) {
            throw failures.forKey("upload", key, "from " + file, e);
        }
    }

    String putBytes(String key, byte[] data, String contentType) {
        KeyRules.requireKey(key);
        ensureOpen();
        try (InputStream in = new ByteArrayInputStream(data)) {
            return unquote(
                    client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key).stream(in, data.length, -1)
                                    .contentType(contentTypeOrDefault(contentType))
                                    .build())
                            .etag());
        } catch (Exception e) {
            throw failures.forKey("upload", key, e);
        }
    }

    byte[] getBytes(String key) {
        try (InputStream in = openStream(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw failures.forTransfer("read", key, "", e);
        }
    }

    byte[] getRange(String key, long offset, long length) {
        KeyRules.requireKey(key);
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException(
                    "Byte range of '" + key + "' needs offset >= 0 and length >= 1, got " + offset + " and " + length);
        }
        ensureOpen();
        String action = "read bytes " + offset + ".." + (offset + length - 1) + " of";
        InputStream in;
        try {
            in = client.getObject(GetObjectArgs.builder()
                    .bucket(bucket())
                    .object(key)
                    .offset(offset)
                    .length(length)
                    .build());
        } catch (Exception e) {
            throw failures.forKey(action, key, e);
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw failures.forTransfer(action, key, "", e);
        }
    }

    InputStream openStream(String key) {
        KeyRules.requireKey(key);
        ensureOpen();
        try {
            return client.getObject(
                    GetObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (Exception e) {
            throw failures.forKey("read", key, e);
        }
    }

    long download(String key, Path target) {
        KeyRules.requireKey(key);
        ensureOpen();
        Path absolute = target.toAbsolutePath();
        InputStream in;
        try {
            in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (Exception e) {
            throw failures.forKey("download", key, "to " + absolute, e);
        }
        Path temp = null;
        try (in) {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
            long bytes;
            try (OutputStream out = Files.newOutputStream(temp)) {
                bytes = in.transferTo(out);
            }
            moveIntoPlace(temp, absolute);
            return bytes;
        } catch (IOException e) {
            throw failures.forTransfer("download", key, "to " + absolute, e);
        } finally {
            deleteIfLeft(temp);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteIfLeft(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("Could not delete the partial download {}: {}", temp, e.toString());
        }
    }

    private static String contentTypeOrDefault(String contentType) {
        return contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE : contentType;
    }
}
