{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadJobArtifacts",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": ${jsonencode(job_artifact_object_arns)}
    }
  ]
}
