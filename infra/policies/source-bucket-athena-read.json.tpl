{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AthenaAnalystsListLogPrefix",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(analyst_principal_arns)}
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
      "Sid": "AthenaAnalystsLocateLogBucket",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(analyst_principal_arns)}
      },
      "Action": "s3:GetBucketLocation",
      "Resource": "${log_bucket_arn}"
    },
    {
      "Sid": "AthenaAnalystsReadLogObjects",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(analyst_principal_arns)}
      },
      "Action": "s3:GetObject",
      "Resource": "${log_bucket_arn}/${log_key_prefix}*",
      "Condition": {
        "ForAnyValue:StringEquals": {
          "aws:CalledVia": "athena.amazonaws.com"
        }
      }
    }
  ]
}
