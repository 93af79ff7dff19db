{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteOneSourceAccountsPartition",
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:GetObject"
      ],
      "Resource": "${archive_bucket_arn}/${archive_prefix}/${source_account_id}/*"
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
