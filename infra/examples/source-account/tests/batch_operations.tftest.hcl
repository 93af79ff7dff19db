# examples/source-account with and without batch_operations, planned against
# a mocked provider: the value reaches log_source unchanged, its role is the
# output batch_operations_role_arn, and nothing is created without it.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

# The mocks give every role the shipper's ARN.
override_resource {
  target          = module.log_source.aws_iam_role.batch_operations[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/logferry-batch-operations", id = "logferry-batch-operations" }
}

variables {
  region            = "eu-west-1"
  source_account_id = "111111111111"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
  }
  mode                = "direct"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "access-logs"
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  lambda_zip_path = "main.tf"
}

run "no_batch_operations_role_by_default" {
  command = plan

  assert {
    condition     = output.batch_operations_role_arn == null
    error_message = "Without batch_operations the root creates no batch operations role."
  }
}

run "batch_operations_reach_log_source" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-prod-logferry-batch"
      manifest_prefix     = "backfill/manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-prod-logferry-batch"
      report_prefix       = "backfill/reports"
    }
  }

  assert {
    condition     = output.batch_operations_role_arn == "arn:aws:iam::111111111111:role/logferry-batch-operations"
    error_message = "The root hands out log_source's batch operations role."
  }
}

run "batch_operations_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-prod-logferry-batch"
      manifest_prefix     = "/backfill/manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-prod-logferry-batch"
      report_prefix       = "backfill/reports"
    }
  }

  expect_failures = [var.batch_operations]
}
