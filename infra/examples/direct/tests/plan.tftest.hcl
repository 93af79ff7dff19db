# examples/direct planned with terraform.tfvars.example's values against
# mocked providers: the whole root (both accounts) plans, and the athena
# example's grants reach the source and archive policies.

mock_provider "aws" {
  alias = "source"
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

mock_provider "aws" {
  alias           = "archive"
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/logferry-archive-writer" }
  }
}

variables {
  source_profile         = "acme-source-admin"
  archive_profile        = "acme-archive-admin"
  source_account_id      = "111111111111"
  archive_account_id     = "222222222222"
  audited_bucket_name    = "acme-prod-data"
  access_log_bucket_name = "acme-prod-data-access-logs"
  archive_bucket_name    = "acme-log-archive"
  archive_prefix         = "prod/s3-access"
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  lambda_zip_path = "main.tf"
}

run "plans_with_the_example_values" {
  command = plan

  assert {
    condition     = output.shipper_role_arn == "arn:aws:iam::111111111111:role/logferry-shipper"
    error_message = "The shipper role ARN must be the one derived from its name."
  }
}

run "athena_grants_reach_both_accounts" {
  command = plan

  variables {
    access_log_bucket_policy_documents = ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AthenaAnalystsLocateLogBucket\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::222222222222:role/logferry-direct-analyst\"]},\"Action\":\"s3:GetBucketLocation\",\"Resource\":\"arn:aws:s3:::acme-prod-data-access-logs\"}]}"]
    archive_analyst_principal_arns     = ["arn:aws:iam::222222222222:role/logferry-archive-analyst"]
  }
}

run "compactor_grant_and_originals_transition_plan" {
  command = plan

  variables {
    archive_compactor_principal_arns = ["arn:aws:iam::222222222222:role/logferry-compactor"]
    archive_query_prefix             = "athena/compacted"
    compacted_originals_transition   = { days = 90, storage_class = "GLACIER_IR" }
  }
}

run "archive_compactor_principal_arns_must_be_role_arns" {
  command = plan

  variables {
    archive_compactor_principal_arns = ["arn:aws:iam::222222222222:user/compactor"]
  }

  expect_failures = [var.archive_compactor_principal_arns]
}
