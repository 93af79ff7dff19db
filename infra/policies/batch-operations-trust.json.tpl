{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromS3BatchOperations",
      "Effect": "Allow",
      "Principal": {
        "Service": "batchoperations.s3.amazonaws.com"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
