# athena_direct, planned against a mocked AWS provider: the table reads A's
# log bucket below the DestinationPrefix with S3's partitioned layout, and the
# rendered documents A must merge name the analyst role and that prefix.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/logferry-direct-analyst" }
  }

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-direct-athena-results", bucket = "acme-direct-athena-results" }
  }

  mock_resource "aws_athena_workgroup" {
    defaults = { arn = "arn:aws:athena:eu-west-1:222222222222:workgroup/logferry-direct", name = "logferry-direct" }
  }

  mock_resource "aws_glue_catalog_database" {
    defaults = { name = "logferry_direct" }
  }
}

variables {
  source_log_bucket_name         = "acme-prod-data-access-logs"
  source_log_key_prefix          = "s3-access/"
  source_log_bucket_region       = "eu-west-1"
  source_account_ids             = ["111111111111"]
  source_regions                 = ["eu-west-1"]
  source_bucket_names            = ["acme-prod-data"]
  results_bucket_name            = "acme-direct-athena-results"
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
}

run "table_and_bucket_policy_cover_the_destination_prefix" {
  command = plan

  assert {
    condition     = output.table_location_template == "s3://acme-prod-data-access-logs/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "The table must read S3's partitioned layout below the DestinationPrefix; got ${output.table_location_template}."
  }

  assert {
    condition     = toset(flatten([for s in jsondecode(output.source_bucket_policy_json).Statement : s.Principal.AWS])) == toset(["arn:aws:iam::222222222222:role/logferry-direct-analyst"])
    error_message = "source_bucket_policy_json must grant the analyst role only."
  }

  assert {
    condition = one([
      for s in jsondecode(output.source_bucket_policy_json).Statement : s.Resource if s.Sid == "AthenaAnalystsReadLogObjects"
    ]) == "arn:aws:s3:::acme-prod-data-access-logs/s3-access/*"
    error_message = "source_bucket_policy_json must limit reads to the DestinationPrefix."
  }

  assert {
    condition     = output.source_kms_key_policy_json == null
    error_message = "No key policy document without source_log_kms_key_arn."
  }
}

run "kms_encrypted_logs_get_a_key_policy_document" {
  command = plan

  variables {
    source_log_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
  }

  assert {
    condition     = jsondecode(output.source_kms_key_policy_json).Statement[0].Principal.AWS == ["arn:aws:iam::222222222222:role/logferry-direct-analyst"]
    error_message = "source_kms_key_policy_json must name the analyst role."
  }
}

run "source_log_key_prefix_must_end_in_a_slash" {
  command = plan

  variables {
    source_log_key_prefix = "s3-access"
  }

  expect_failures = [var.source_log_key_prefix]
}

run "source_log_key_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    source_log_key_prefix = "/s3-access/"
  }

  expect_failures = [var.source_log_key_prefix]
}
