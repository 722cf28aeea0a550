"""Stand-in for compose.yaml's `s3-buckets` (MinIO's client): the media, private and backups buckets, and anyone
may read images from the media bucket (media/original_images/, media/images/), nothing else."""

import json
import os
import sys
import time

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else "http://s3:9000"
BUCKETS = ("reemploi-media", "reemploi-private", "reemploi-backups")
PUBLIC_PREFIXES = ("media/original_images/", "media/images/")


def main() -> int:
    s3 = boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )
    for _ in range(60):  # the store may still be starting (depends_on waits for its start only)
        try:
            s3.list_buckets()
            break
        except EndpointConnectionError:
            time.sleep(1)
    for bucket in BUCKETS:
        try:
            s3.create_bucket(Bucket=bucket)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{BUCKETS[0]}/{prefix}*" for prefix in PUBLIC_PREFIXES],
            }
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKETS[0], Policy=json.dumps(policy))
    print("buckets:", ", ".join(BUCKETS), "; public:", ", ".join(PUBLIC_PREFIXES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
