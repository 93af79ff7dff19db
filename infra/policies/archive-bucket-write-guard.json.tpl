{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenySseCWrites",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/*",
      "Condition": {
        "Null": {
          "s3:x-amz-server-side-encryption-customer-algorithm": "false"
        }
      }
    },
    {
      "Sid": "DenyOtherEncryptionAlgorithms",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/*",
      "Condition": {
        "Null": {
          "s3:x-amz-server-side-encryption": "false"
        },
        "StringNotEquals": {
          "s3:x-amz-server-side-encryption": "${archive_sse_algorithm}"
        }
      }
    },
    {
      "Sid": "DenyOtherStorageClasses",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/*",
      "Condition": {
        "Null": {
          "s3:x-amz-storage-class": "false"
        },
        "StringNotEquals": {
          "s3:x-amz-storage-class": "${archive_storage_class}"
        }
      }
    }
  ]
}
