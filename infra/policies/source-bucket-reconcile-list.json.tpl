{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "LogferryReconcileListLogPrefix",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(reconcile_principal_arns)}
      },
      "Action": "s3:ListBucket",
      "Resource": "${log_bucket_arn}",
      "Condition": {
        "StringLike": {
          "s3:prefix": "${log_key_prefix}*"
        }
      }
    },
    {
      "Sid": "LogferryReconcileLocateLogBucket",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(reconcile_principal_arns)}
      },
      "Action": "s3:GetBucketLocation",
      "Resource": "${log_bucket_arn}"
    }
  ]
}
