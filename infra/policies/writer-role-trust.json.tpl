{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromShipperWithExternalId",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(shipper_principal_arns)}
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "${external_id}"
        }
      }
    }
  ]
}
