{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadLogTableDefinitions",
      "Effect": "Allow",
      "Action": [
        "glue:GetDatabase",
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition"
      ],
      "Resource": ${jsonencode(glue_resource_arns)}
    }
  ]
}
