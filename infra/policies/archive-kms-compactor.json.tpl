{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CompactorReadsArchiveWritesQueryCopiesViaS3",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(compactor_principal_arns)}
      },
      "Action": [
        "kms:Decrypt",
        "kms:GenerateDataKey"
      ],
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        },
        "StringLike": {
          "kms:EncryptionContext:aws:s3:arn": [
            "${archive_bucket_arn}",
            "${archive_bucket_arn}/${archive_prefix}/*",
            "${archive_bucket_arn}/${query_prefix}/*"
          ]
        }
      }
    }
  ]
}
