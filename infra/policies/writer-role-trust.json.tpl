{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromOneSourceAccountsShipperWithExternalId",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(shipper_account_arns)}
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "${external_id}"
        },
        "ArnLike": {
          "aws:PrincipalArn": ${jsonencode(shipper_principal_arns)}
        }
      }
    }
  ]
}
