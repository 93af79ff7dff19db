{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteArchivePrefix",
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:AbortMultipartUpload"
      ],
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*"
    },
    {
      "Sid": "ClearStrayMultipartUploads",
      "Effect": "Allow",
      "Action": "s3:ListBucketMultipartUploads",
      "Resource": "${archive_bucket_arn}"
    },
    {
      "Sid": "DenyAnyAclButOwnerFullControl",
      "Effect": "Deny",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/*",
      "Condition": {
        "Null": {
          "s3:x-amz-acl": "false"
        },
        "StringNotEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control"
        }
      }
    }
  ]
}
