{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DecryptSourceLogObjects",
      "Effect": "Allow",
      "Action": "kms:Decrypt",
      "Resource": ${jsonencode(kms_key_arns)}
    }
  ]
}
