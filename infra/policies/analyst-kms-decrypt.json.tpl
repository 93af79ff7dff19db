{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DecryptLogObjectsViaS3",
      "Effect": "Allow",
      "Action": "kms:Decrypt",
      "Resource": ${jsonencode(log_kms_key_arns)},
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "${s3_via_service}"
        },
        "ForAnyValue:StringEquals": {
          "aws:CalledVia": "athena.amazonaws.com"
        }
      }
    }
  ]
}
