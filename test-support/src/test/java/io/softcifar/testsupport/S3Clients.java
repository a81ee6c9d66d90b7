package io.softcifar.testsupport;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** A MinIO SDK round trip, to check that an S3 endpoint of the infrastructure really serves objects. */
final class S3Clients {

    private S3Clients() {}

    static String roundTrip(String endpoint, String accessKey, String secretKey, String bucket, String key, String text)
            throws Exception {
        try (MinioClient client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .region("us-east-1")
                .build()) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            new ByteArrayInputStream(bytes), bytes.length, -1)
                    .build());
            try (var in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
