#!/bin/sh
# Creates S3_BUCKET in SeaweedFS unless it exists, through `weed shell` (the server's own admin shell, in the same
# image: no other client image is needed). Safe to run again. Fails unless the bucket is listed at the end.
#   SEAWEEDFS_MASTER  host:port of the master (HTTP port; weed shell talks gRPC on port + 10000)
#   SEAWEEDFS_FILER   host:port of the filer  (likewise)
#   S3_BUCKET_OWNER   optional: an identity to record as the bucket's owner. None by default: with an identities file
#                     SeaweedFS authorises every request by the identity's actions (checkBucket skips the owner check
#                     when auth is on; read at 4.44), the owner only decides whose ListBuckets shows the bucket, and
#                     no single service should own the bucket the four share (write-identities.sh)
set -eu
: "${S3_BUCKET:?S3_BUCKET is not set}"
: "${SEAWEEDFS_MASTER:?SEAWEEDFS_MASTER is not set (host:9333)}"
: "${SEAWEEDFS_FILER:?SEAWEEDFS_FILER is not set (host:8888)}"
shell() {
  echo "$1" | weed shell -master="$SEAWEEDFS_MASTER" -filer="$SEAWEEDFS_FILER"
}
if shell "s3.bucket.list" | grep -qw -- "$S3_BUCKET"; then
  echo "create-bucket: $S3_BUCKET exists"
  exit 0
fi
if [ -n "${S3_BUCKET_OWNER:-}" ]; then
  shell "s3.bucket.create -name $S3_BUCKET -owner $S3_BUCKET_OWNER"
else
  shell "s3.bucket.create -name $S3_BUCKET"
fi
if ! shell "s3.bucket.list" | grep -qw -- "$S3_BUCKET"; then
  echo "create-bucket: $S3_BUCKET is still not listed after s3.bucket.create" >&2
  exit 1
fi
echo "create-bucket: created $S3_BUCKET, owner ${S3_BUCKET_OWNER:-none}"
