{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromNamedPrincipals",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(reconcile_trusted_principal_arns)}
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
