{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyWritesThatCouldReplaceAnObject",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*",
      "Condition": {
        "Bool": {
          "s3:ObjectCreationOperation": "true"
        },
        "Null": {
          "s3:if-none-match": "true"
        }
      }
    }
  ]
}
