{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "InvokeShipperFunction",
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": [
        "${function_arn}",
        "${function_arn}:*"
      ]
    },
    {
      "Sid": "ReadJobManifests",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:GetObjectVersion"
      ],
      "Resource": "${manifest_bucket_arn}/${manifest_prefix}/*"
    },
    {
      "Sid": "WriteCompletionReports",
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "${report_bucket_arn}/${report_prefix}/job-*"
    },
    {
      "Sid": "LocateReportBucket",
      "Effect": "Allow",
      "Action": "s3:GetBucketLocation",
      "Resource": "${report_bucket_arn}"
    }
  ]
}
