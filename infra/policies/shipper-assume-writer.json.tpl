{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeArchiveWriterRole",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "${writer_role_arn}"
    }
  ]
}
