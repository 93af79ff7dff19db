{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SourceAccountsWriteOwnPartitionWithOwnerFullControl",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_account_arns)}
      },
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/$${aws:PrincipalAccount}/*",
      "Condition": {
        "StringEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control"
        },
        "ArnLike": {
          "aws:PrincipalArn": ${jsonencode(writer_principal_arns)}
        }
      }
    },
    {
      "Sid": "SourceAccountsReadBackOwnPartition",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_account_arns)}
      },
      "Action": "s3:GetObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/$${aws:PrincipalAccount}/*",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": ${jsonencode(writer_principal_arns)}
        }
      }
    },
    {
      "Sid": "SourceAccountsAbortOwnPartitionUploads",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_account_arns)}
      },
      "Action": "s3:AbortMultipartUpload",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/$${aws:PrincipalAccount}/*",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": ${jsonencode(writer_principal_arns)}
        }
      }
    }
  ]
}
