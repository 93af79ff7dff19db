{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListSourceBuckets",
      "Effect": "Allow",
      "Action": [
        "s3:ListBucket",
        "s3:ListBucketVersions"
      ],
      "Resource": ${jsonencode(source_bucket_arns)}
    }
  ]
}
