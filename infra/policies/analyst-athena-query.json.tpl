{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "RunQueriesInLogWorkgroup",
      "Effect": "Allow",
      "Action": [
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryRuntimeStatistics",
        "athena:BatchGetQueryExecution",
        "athena:ListQueryExecutions",
        "athena:GetWorkGroup",
        "athena:GetNamedQuery",
        "athena:BatchGetNamedQuery",
        "athena:ListNamedQueries"
      ],
      "Resource": "${athena_workgroup_arn}"
    },
    {
      "Sid": "BrowseGlueDataCatalogFromAthena",
      "Effect": "Allow",
      "Action": [
        "athena:GetDataCatalog",
        "athena:GetDatabase",
        "athena:ListDatabases",
        "athena:GetTableMetadata",
        "athena:ListTableMetadata"
      ],
      "Resource": "${athena_data_catalog_arn}"
    }
  ]
}
