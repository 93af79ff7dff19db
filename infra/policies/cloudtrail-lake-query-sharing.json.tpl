{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "QueryEventDataStoreFromListedAccounts",
      "Effect": "Allow",
      "Principal": {
        "AWS": ${jsonencode(query_principal_arns)}
      },
      "Action": [
        "cloudtrail:StartQuery",
        "cloudtrail:DescribeQuery",
        "cloudtrail:GetQueryResults",
        "cloudtrail:GetEventDataStore"
      ],
      "Resource": "${event_data_store_arn}"
    }
  ]
}
