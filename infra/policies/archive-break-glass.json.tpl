{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ChangeArchiveProtections",
      "Effect": "Allow",
      "Action": [
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:GetBucketVersioning",
        "s3:PutBucketVersioning",
        "s3:GetBucketObjectLockConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:ListBucketVersions"
      ],
      "Resource": "${archive_bucket_arn}"
    },
    {
      "Sid": "RemoveOrReleaseArchivedVersions",
      "Effect": "Allow",
      "Action": [
        "s3:DeleteObjectVersion",
        "s3:BypassGovernanceRetention",
        "s3:GetObjectRetention",
        "s3:PutObjectRetention",
        "s3:GetObjectLegalHold",
        "s3:PutObjectLegalHold"
      ],
      "Resource": "${archive_bucket_arn}/*"
    }
  ]
}
