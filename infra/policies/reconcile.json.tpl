{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListArchivePrefix",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "${archive_bucket_arn}",
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "${archive_prefix}/",
            "${archive_prefix}/*"
          ]
        }
      }
    }
  ]
}
