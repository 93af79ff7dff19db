{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadSourceLogObjects",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:GetObjectVersion"
      ],
      "Resource": ${jsonencode(source_object_arns)}
    }
  ]
}
