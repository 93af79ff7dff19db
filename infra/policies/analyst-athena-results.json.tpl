{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "UseQueryResultsBucket",
      "Effect": "Allow",
      "Action": [
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads"
      ],
      "Resource": "${athena_results_bucket_arn}"
    },
    {
      "Sid": "ReadAndWriteQueryResults",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts"
      ],
      "Resource": "${athena_results_bucket_arn}/*"
    },
    {
      "Sid": "EncryptQueryResultsViaS3",
      "Effect": "Allow",
      "Action": [
        "kms:GenerateDataKey",
        "kms:Decrypt"
      ],
      "Resource": "${athena_results_kms_key_arn}",
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        }
      }
    }
  ]
}
