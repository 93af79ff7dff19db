{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromS3BatchOperationsOfThisAccount",
      "Effect": "Allow",
      "Principal": {
        "Service": "batchoperations.s3.amazonaws.com"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "${source_account_id}"
        }
      }
    }
  ]
}
