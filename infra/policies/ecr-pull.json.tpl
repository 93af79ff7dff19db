{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "GetRegistryAuthorizationToken",
      "Effect": "Allow",
      "Action": "ecr:GetAuthorizationToken",
      "Resource": "*"
    },
    {
      "Sid": "PullWorkerImage",
      "Effect": "Allow",
      "Action": [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage"
      ],
      "Resource": ${jsonencode(ecr_repository_arns)}
    }
  ]
}
