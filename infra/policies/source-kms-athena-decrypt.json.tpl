{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AthenaAnalystsDecryptLogObjectsViaS3",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(analyst_principal_arns)}
      },
      "Action": "kms:Decrypt",
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        },
        "ForAnyValue:StringEquals": {
          "aws:CalledVia": "athena.amazonaws.com"
        },
        "StringLike": {
          "kms:EncryptionContext:aws:s3:arn": [
            "${log_bucket_arn}",
            "${log_bucket_arn}/${log_key_prefix}*"
          ]
        }
      }
    }
  ]
}
