{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EncryptArchiveObjectsViaS3",
      "Effect": "Allow",
      "Action": [
        "kms:GenerateDataKey",
        "kms:Decrypt"
      ],
      "Resource": ${jsonencode(archive_kms_key_arns)},
      "Condition": {
        "StringLike": {
          "kms:ViaService": "s3.*.amazonaws.com",
          "kms:EncryptionContext:aws:s3:arn": [
            "${archive_bucket_arn}",
            "${archive_bucket_arn}/${archive_prefix}/*"
          ]
        }
      }
    }
  ]
}
