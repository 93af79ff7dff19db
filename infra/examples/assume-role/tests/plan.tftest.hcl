# examples/assume-role planned with terraform.tfvars.example's values against
# mocked providers. Before the RE2 fix every external_id failed validation
# ("external_id must be 2-1224 characters"), so this plan could not even start.

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

  external_id = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
}

run "plans_with_the_example_values" {
  command = plan

  assert {
    condition     = output.writer_role_arn == "arn:aws:iam::222222222222:role/logferry-archive-writer"
    error_message = "The writer role ARN must be the one derived from writer_role_name."
  }
}

run "external_id_of_1224_characters_is_accepted" {
  command = plan

  variables {
    external_id = format("%01224d", 0)
  }
}

run "external_id_of_1225_characters_is_rejected" {
  command = plan

  variables {
    external_id = format("%01225d", 0)
  }

  expect_failures = [var.external_id]
}

run "external_id_of_1_character_is_rejected" {
  command = plan

  variables {
    external_id = "a"
  }

  expect_failures = [var.external_id]
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
