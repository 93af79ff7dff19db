{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadInventoryReports",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": ${jsonencode(inventory_object_arns)}
    }
  ]
}
