{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteGlueJobLogs",
      "Effect": "Allow",
      "Action": [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents"
      ],
      "Resource": ${jsonencode(glue_log_group_arns)}
    }
  ]
}
