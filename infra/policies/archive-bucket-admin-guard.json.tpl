{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyProtectionChangesButBreakGlass",
      "Effect": "Deny",
      "Principal": "*",
      "Action": [
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketVersioning",
        "s3:PutBucketObjectLockConfiguration"
      ],
      "Resource": "${archive_bucket_arn}",
      "Condition": {
        "ArnNotLike": {
          "aws:PrincipalArn": ${jsonencode(break_glass_principal_arns)}
        }
      }
    },
    {
      "Sid": "DenyVersionDestructionButBreakGlass",
      "Effect": "Deny",
      "Principal": "*",
      "Action": [
        "s3:DeleteObjectVersion",
        "s3:BypassGovernanceRetention",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold"
      ],
      "Resource": "${archive_bucket_arn}/*",
      "Condition": {
        "ArnNotLike": {
          "aws:PrincipalArn": ${jsonencode(break_glass_principal_arns)}
        }
      }
    }
  ]
}
