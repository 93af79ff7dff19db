{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromAnalystPrincipals",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(analyst_trusted_principal_arns)}
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
