{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromWorkloadServices",
      "Effect": "Allow",
      "Principal": {
        "Service": ${jsonencode(service_principals)}
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
