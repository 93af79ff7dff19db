{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListSourceLogPrefix",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "${log_bucket_arn}",
      "Condition": {
        "StringLike": {
          "s3:prefix": "${log_key_prefix}*"
        }
      }
    },
    {
      "Sid": "LocateSourceLogBucket",
      "Effect": "Allow",
      "Action": "s3:GetBucketLocation",
      "Resource": "${log_bucket_arn}"
    }
  ]
}
