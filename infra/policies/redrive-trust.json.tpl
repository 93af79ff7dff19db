{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromNamedOperatorRoles",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(redrive_principal_arns)}
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
