{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowShipperWriteWithOwnerFullControl",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_principal_arns)}
      },
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*",
      "Condition": {
        "StringEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control"
        }
      }
    },
    {
      "Sid": "AbortOwnMultipartUploads",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_principal_arns)}
      },
      "Action": "s3:AbortMultipartUpload",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*"
    },
    {
      "Sid": "ClearStrayMultipartUploads",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_principal_arns)}
      },
      "Action": "s3:ListBucketMultipartUploads",
      "Resource": "${archive_bucket_arn}"
    }
  ]
}
