# Resource-based policy on a CloudTrail Lake event data store that lets other
# accounts run read-only queries against it. The statement text lives in
# infra/policies/cloudtrail-lake-query-sharing.json.tpl.

locals {
  # Taken from the ARN so the module needs no aws provider (aws, aws-cn, aws-us-gov).
  partition = split(":", var.event_data_store_arn)[1]

  query_principal_arns = distinct(concat(
    [for id in var.reader_account_ids : "arn:${local.partition}:iam::${id}:root"],
    var.reader_principal_arns,
  ))
}

resource "awscc_cloudtrail_resource_policy" "event_data_store" {
  resource_arn = var.event_data_store_arn
  resource_policy = templatefile("${path.module}/../../policies/cloudtrail-lake-query-sharing.json.tpl", {
    event_data_store_arn = var.event_data_store_arn
    query_principal_arns = local.query_principal_arns
  })

  lifecycle {
    precondition {
      condition     = length(local.query_principal_arns) > 0 && length(local.query_principal_arns) <= 50
      error_message = "Give between 1 and 50 reader accounts/principals in total (CloudTrail allows 50 principals per statement)."
    }
  }
}
