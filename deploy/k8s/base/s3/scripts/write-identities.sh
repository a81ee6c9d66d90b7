#!/bin/sh
# Writes SeaweedFS's S3 identities file (-s3.config) from the environment, so no credential is ever in a file in git.
# Used by the compose service "s3" and by the init container of the Kubernetes StatefulSet "s3":
#   S3_ADMIN_ACCESS_KEY / S3_ADMIN_SECRET_KEY          the admin identity: nobody's (the bucket is made by weed shell)
#   S3_RESULTS_ACCESS_KEY / S3_RESULTS_SECRET_KEY      results-service
#   S3_DATASET_ACCESS_KEY / S3_DATASET_SECRET_KEY      dataset-service
#   S3_TRAINER_ACCESS_KEY / S3_TRAINER_SECRET_KEY      trainer-service
#   S3_EVALUATOR_ACCESS_KEY / S3_EVALUATOR_SECRET_KEY  evaluator-service
#   S3_BUCKET                                          the bucket every service identity is limited to
# One identity per service, each with the verbs and key prefixes it uses (its README's "objects" rows), nothing else.
# How SeaweedFS reads an action (Identity.CanDo, weed/s3api/auth_credentials.go, read at 4.44): "Verb:bucket" without
# a wildcard allows the verb on the whole bucket; with '*' or '?' the action is a glob over "Verb:bucket/key" ('*'
# also crosses '/'). A prefix glob never matches the bare bucket "Read:bucket", which is how HeadBucket (the services'
# start-up and readiness check, ObjectStore.ensureBucket/ping) is authorised; "Read:<bucket minus its last
# character>?" matches exactly the bare bucket name and no object key (and a bucket name differing in the last
# character only, which holds nothing of ours), so reads of objects stay prefix-scoped.
# Keys must be JSON-safe (letters, digits, '-', '_', '.'): checked below, never escaped silently.
set -eu
out="${1:?usage: write-identities.sh OUTPUT_FILE}"
for name in S3_ADMIN_ACCESS_KEY S3_ADMIN_SECRET_KEY S3_RESULTS_ACCESS_KEY S3_RESULTS_SECRET_KEY \
    S3_DATASET_ACCESS_KEY S3_DATASET_SECRET_KEY S3_TRAINER_ACCESS_KEY S3_TRAINER_SECRET_KEY \
    S3_EVALUATOR_ACCESS_KEY S3_EVALUATOR_SECRET_KEY S3_BUCKET; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "write-identities: $name is not set" >&2
    exit 2
  fi
  case "$value" in
    *[!A-Za-z0-9._-]*) echo "write-identities: $name may hold only letters, digits, '.', '_' and '-'" >&2; exit 2 ;;
  esac
done
# every identity its own access key: SeaweedFS would pick one of two identities sharing a key
keys=$(printf '%s\n' "$S3_ADMIN_ACCESS_KEY" "$S3_RESULTS_ACCESS_KEY" "$S3_DATASET_ACCESS_KEY" \
  "$S3_TRAINER_ACCESS_KEY" "$S3_EVALUATOR_ACCESS_KEY")
if [ "$(printf '%s\n' "$keys" | sort -u | wc -l)" -ne 5 ]; then
  echo "write-identities: the five S3_*_ACCESS_KEY values must differ (one identity per service)" >&2
  exit 2
fi
b="$S3_BUCKET"
bucket_only="${b%?}?"
umask 077
cat > "$out" <<JSON
{
  "identities": [
    {
      "name": "softcifar-admin",
      "credentials": [{"accessKey": "$S3_ADMIN_ACCESS_KEY", "secretKey": "$S3_ADMIN_SECRET_KEY"}],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    },
    {
      "name": "softcifar-results-service",
      "credentials": [{"accessKey": "$S3_RESULTS_ACCESS_KEY", "secretKey": "$S3_RESULTS_SECRET_KEY"}],
      "actions": ["Read:$bucket_only", "Read:$b/datasets/*/manifest.json", "Read:$b/runs/*/checkpoints/*",
                  "Read:$b/runs/*/evaluation/*", "List:$b/runs/*/evaluation/*"]
    },
    {
      "name": "softcifar-dataset-service",
      "credentials": [{"accessKey": "$S3_DATASET_ACCESS_KEY", "secretKey": "$S3_DATASET_SECRET_KEY"}],
      "actions": ["Read:$bucket_only", "Read:$b/datasets/*", "Write:$b/datasets/*", "List:$b/datasets/*"]
    },
    {
      "name": "softcifar-trainer-service",
      "credentials": [{"accessKey": "$S3_TRAINER_ACCESS_KEY", "secretKey": "$S3_TRAINER_SECRET_KEY"}],
      "actions": ["Read:$bucket_only", "Read:$b/datasets/*",
        "Read:$b/runs/*/checkpoints/*", "Read:$b/runs/*/training.json", "Read:$b/runs/*/lease.json",
        "Read:$b/runs/*/cancel.json", "Read:$b/runs/*/lease-tokens/*",
        "Write:$b/runs/*/checkpoints/*", "Write:$b/runs/*/training.json", "Write:$b/runs/*/lease.json",
        "Write:$b/runs/*/cancel.json", "Write:$b/runs/*/lease-tokens/*"]
    },
    {
      "name": "softcifar-evaluator-service",
      "credentials": [{"accessKey": "$S3_EVALUATOR_ACCESS_KEY", "secretKey": "$S3_EVALUATOR_SECRET_KEY"}],
      "actions": ["Read:$bucket_only", "Read:$b/datasets/*", "Read:$b/runs/*/checkpoints/*",
        "Read:$b/runs/*/evaluation/*", "Write:$b/runs/*/evaluation/*", "List:$b/runs/*/evaluation/*"]
    }
  ]
}
JSON
echo "write-identities: wrote 5 identities to $out"
