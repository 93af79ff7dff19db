{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "KeyAdministratorsAdministerKey",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(key_admin_principal_arns)}
      },
      "Action": [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListGrants",
        "kms:ListKeyPolicies",
        "kms:ListResourceTags",
        "kms:PutKeyPolicy",
        "kms:EnableKey",
        "kms:DisableKey",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:CreateAlias",
        "kms:UpdateAlias",
        "kms:DeleteAlias",
        "kms:RevokeGrant",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion"
      ],
      "Resource": "*"
    },
    {
      "Sid": "ArchiveAccountUsesKeyOnly",
      "Effect": "Allow",
      "Principal": {
        "AWS": "${account_root_arn}"
      },
      "Action": [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey"
      ],
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        }
      }
    },
    {
      "Sid": "WritersEncryptArchiveObjectsViaS3",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(writer_account_arns)}
      },
      "Action": [
        "kms:GenerateDataKey",
        "kms:Decrypt"
      ],
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        },
        "ArnLike": {
          "aws:PrincipalArn": ${jsonencode(writer_principal_arns)}
        },
        "StringLike": {
          "kms:EncryptionContext:aws:s3:arn": [
            "${archive_bucket_arn}",
            "${archive_bucket_arn}/${archive_prefix}/*"
          ]
        }
      }
    }
  ]
}
