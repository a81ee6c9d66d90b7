#!/bin/sh
# Writes SeaweedFS's S3 identities file (-s3.config) from the environment, so no credential is ever in a file in git.
# Used by the compose service "s3" and by the init container of the Kubernetes StatefulSet "s3":
#   S3_ADMIN_ACCESS_KEY / S3_ADMIN_SECRET_KEY  the admin identity: the one-shot s3-init (bucket creation) only
#   S3_ACCESS_KEY / S3_SECRET_KEY              the services' identity: read, write, list and tag in S3_BUCKET only
#   S3_BUCKET                                  the bucket the services' identity is limited to
# SeaweedFS scopes an action by bucket ("Write:softcifar") or by key prefix ("Write:softcifar/datasets/*"), so one
# identity per service with its own prefixes is a matter of more entries here (docs/deploy-s3-servers.md).
# Keys must be JSON-safe (letters, digits, '-', '_', '.'): checked below, never escaped silently.
set -eu
out="${1:?usage: write-identities.sh OUTPUT_FILE}"
for name in S3_ADMIN_ACCESS_KEY S3_ADMIN_SECRET_KEY S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "write-identities: $name is not set" >&2
    exit 2
  fi
  case "$value" in
    *[!A-Za-z0-9._-]*) echo "write-identities: $name may hold only letters, digits, '.', '_' and '-'" >&2; exit 2 ;;
  esac
done
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
      "name": "softcifar-services",
      "credentials": [{"accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY"}],
      "actions": ["Read:$S3_BUCKET", "Write:$S3_BUCKET", "List:$S3_BUCKET", "Tagging:$S3_BUCKET"]
    }
  ]
}
JSON
echo "write-identities: wrote 2 identities to $out"
