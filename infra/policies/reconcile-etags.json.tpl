{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "HeadArchivedLogs",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*"
    }
  ]
}
