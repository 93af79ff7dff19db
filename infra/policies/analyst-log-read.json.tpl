{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListLogPrefix",
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
      "Sid": "LocateLogBucket",
      "Effect": "Allow",
      "Action": "s3:GetBucketLocation",
      "Resource": "${log_bucket_arn}"
    },
    {
      "Sid": "ReadLogObjects",
      "Effect": "Allow",
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
