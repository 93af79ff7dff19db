{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteOwnPartitionWithOwnerFullControl",
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/${source_account_id}/*",
      "Condition": {
        "StringEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control"
        }
      }
    },
    {
      "Sid": "ReadBackOwnPartition",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/${source_account_id}/*"
    },
    {
      "Sid": "AbortOwnPartitionUploads",
      "Effect": "Allow",
      "Action": "s3:AbortMultipartUpload",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/${source_account_id}/*"
    }
  ]
}
