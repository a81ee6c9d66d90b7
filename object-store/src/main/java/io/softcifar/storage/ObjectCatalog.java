package io.softcifar.storage;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One try of each operation on keys rather than bytes: look up an object's metadata, list a prefix, delete a key
 * or every key under a folder prefix; {@link ObjectStore} retries.
 */
final class ObjectCatalog extends BucketOperations {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectCatalog.class);

    ObjectCatalog(MinioClient client, String bucket, S3Failures failures, Runnable openCheck) {
        super(client, bucket, failures, openCheck);
    }

    Optional<ObjectInfo> stat(String key) {
        KeyRules.requireKey(key);
        ensureOpen();
        try {
            StatObjectResponse stat = client.statObject(
                    StatObjectArgs.builder().bucket(bucket()).object(key).build());
            return Optional.of(new ObjectInfo(
                    key, stat.size(), unquote(stat.etag()), stat.lastModified().toInstant()));
        } catch (Exception e) {
            ObjectStoreException failure = failures.forKey("look up", key, e);
            if (failure instanceof NoSuchObjectException) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    List<ObjectInfo> list(String prefix) {
        KeyRules.requirePrefix(prefix);
        ensureOpen();
        List<ObjectInfo> objects = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = result.get();
                if (!item.isDir()) {
                    objects.add(new ObjectInfo(
                            item.objectName(),
                            item.size(),
                            unquote(item.etag()),
                            item.lastModified().toInstant()));
                }
            }
            return objects;
        } catch (Exception e) {
            throw failures.forBucket("list prefix '" + prefix + "' in", e);
        }
    }

    void delete(String key) {
        KeyRules.requireKey(key);
        ensureOpen();
        try {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (Exception e) {
            throw failures.forKey("delete", key, e);
        }
    }

    int deletePrefix(String prefix) {
        KeyRules.requireFolderPrefix(prefix);
        List<DeleteObject> targets =
                list(prefix).stream().map(info -> new DeleteObject(info.key())).toList();
        if (targets.isEmpty()) {
            return 0;
        }
        List<String> errors = new ArrayList<>();
        try {
            // the SDK sends the delete requests (1000 keys each) only while the results are iterated
            for (Result<DeleteError> result : client.removeObjects(RemoveObjectsArgs.builder()
                    .bucket(bucket())
                    .objects(targets)
                    .build())) {
                DeleteError error = result.get();
                errors.add(error.objectName() + ": " + error.code() + " " + error.message());
            }
        } catch (Exception e) {
            throw failures.forBucket("delete prefix '" + prefix + "' in", e);
        }
        if (!errors.isEmpty()) {
            throw new ObjectStoreException(failures.bucketMessage(
                    "delete prefix '" + prefix + "' in",
                    errors.size()
                            + " of " + targets.size() + " objects were not deleted, e.g. "
                            + String.join("; ", errors.subList(0, Math.min(3, errors.size())))));
        }
        LOG.debug("Deleted {} objects under '{}' in bucket '{}'", targets.size(), prefix, bucket());
        return targets.size();
    }
}
