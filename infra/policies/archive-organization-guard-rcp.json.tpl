{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyArchiveProtectionChangesButBreakGlass",
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
      "Sid": "DenyArchiveVersionDestructionButBreakGlass",
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
    },
    {
      "Sid": "DenyArchiveKeyDestructionButKeyAdmins",
      "Effect": "Deny",
      "Principal": "*",
      "Action": [
        "kms:ScheduleKeyDeletion",
        "kms:DisableKey",
        "kms:PutKeyPolicy"
      ],
      "Resource": ${jsonencode(archive_kms_key_arns)},
      "Condition": {
        "ArnNotLike": {
          "aws:PrincipalArn": ${jsonencode(key_admin_principal_arns)}
        }
      }
    }
  ]
}
