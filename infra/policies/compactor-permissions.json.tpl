{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListArchiveAndQueryPrefixes",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "${archive_bucket_arn}",
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "${archive_prefix}/*",
            "${query_prefix}/*"
          ]
        }
      }
    },
    {
      "Sid": "ReadArchivePrefix",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "${archive_bucket_arn}/${archive_prefix}/*"
    },
    {
      "Sid": "WriteQueryPrefix",
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:DeleteObject"
      ],
      "Resource": "${archive_bucket_arn}/${query_prefix}/*"
    },
    {
      "Sid": "ClearStrayMultipartUploads",
      "Effect": "Allow",
      "Action": "s3:ListBucketMultipartUploads",
      "Resource": "${archive_bucket_arn}"
    }
  ]
}
