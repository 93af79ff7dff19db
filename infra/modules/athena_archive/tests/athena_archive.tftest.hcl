# athena_archive, planned against a mocked AWS provider: the table reads the
# archive prefix with the shared partition layout, whose source_bucket values
# are the audited buckets, and the analyst reads that prefix (and its key).

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-archive-athena-results", bucket = "acme-archive-athena-results" }
  }

  mock_resource "aws_athena_workgroup" {
    defaults = { arn = "arn:aws:athena:eu-west-1:222222222222:workgroup/logferry-archive", name = "logferry-archive" }
  }

  mock_resource "aws_glue_catalog_database" {
    defaults = { name = "logferry_archive" }
  }
}

variables {
  archive_bucket_name            = "acme-log-archive"
  archive_prefix                 = "prod/s3-access"
  archive_kms_key_arn            = "arn:aws:kms:eu-west-1:222222222222:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
  source_account_ids             = ["111111111111"]
  source_regions                 = ["eu-west-1"]
  source_bucket_names            = ["acme-prod-data"]
  results_bucket_name            = "acme-archive-athena-results"
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
}

run "table_reads_the_archive_prefix_with_the_shared_layout" {
  command = plan

  assert {
    condition     = output.table_location_template == "s3://acme-log-archive/prod/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "The table must read <archive_prefix>/$${account}/$${region}/$${source_bucket}/$${dt}/; got ${output.table_location_template}."
  }

  assert {
    condition     = output.workgroup_name == "logferry-archive" && output.database_name == "logferry_archive"
    error_message = "Default workgroup and database names."
  }
}

run "archive_kms_key_arn_rejects_aliases" {
  command = plan

  variables {
    archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:alias/acme-log-archive"
  }

  expect_failures = [var.archive_kms_key_arn]
}

run "archive_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/s3-access/"
  }

  expect_failures = [var.archive_prefix]
}

# --- Compacted copies -------------------------------------------------------------------

run "no_compacted_table_without_query_prefix" {
  command = plan

  assert {
    condition     = output.compacted_table_name == null && length(module.compacted_table) == 0
    error_message = "Without query_prefix there is no compacted table."
  }

  assert {
    condition     = length(module.workspace.analyst_log_read_documents) == 1
    error_message = "Without query_prefix the analyst reads the archive prefix only."
  }
}

run "query_prefix_adds_a_compacted_table_the_analyst_reads" {
  command = plan

  variables {
    query_prefix = "logferry-query"
  }

  assert {
    condition     = output.compacted_table_name == "s3_access_logs_compacted"
    error_message = "The compacted table defaults to <table_name>_compacted."
  }

  assert {
    condition     = output.compacted_table_location_template == "s3://acme-log-archive/logferry-query/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "The compacted table must read <query_prefix>/ with the same layout; got ${output.compacted_table_location_template}."
  }

  assert {
    condition     = output.table_location_template == "s3://acme-log-archive/prod/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "The table over the originals must not move."
  }

  assert {
    condition     = length(output.saved_query_ids) == 5 && length(output.compacted_saved_query_ids) == 5
    error_message = "Both tables get the five saved queries (named after their table, so they stay apart in the workgroup)."
  }

  assert {
    condition = [
      for doc in module.workspace.analyst_log_read_documents :
      one([for s in jsondecode(doc).Statement : s.Resource if s.Sid == "ReadLogObjects"])
    ] == ["arn:aws:s3:::acme-log-archive/prod/s3-access/*", "arn:aws:s3:::acme-log-archive/logferry-query/*"]
    error_message = "The analyst must be able to read the archive prefix and the query prefix."
  }
}

run "compacted_table_name_can_be_chosen" {
  command = plan

  variables {
    query_prefix         = "logferry-query"
    compacted_table_name = "access_logs_fast"
  }

  assert {
    condition     = output.compacted_table_name == "access_logs_fast"
    error_message = "compacted_table_name must name the compacted table."
  }
}

run "query_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    query_prefix = "/logferry-query"
  }

  expect_failures = [var.query_prefix]
}

run "both_tables_project_every_source_account" {
  command = plan

  variables {
    query_prefix        = "logferry-query"
    source_account_ids  = ["111111111111", "444444444444"]
    source_regions      = ["eu-west-1", "us-east-1"]
    source_bucket_names = ["acme-payments-data", "acme-prod-data"]
  }

  assert {
    condition = (
      module.access_log_table.storage_location_template == "s3://acme-log-archive/prod/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
      && module.compacted_table[0].storage_location_template == "s3://acme-log-archive/logferry-query/$${account}/$${region}/$${source_bucket}/$${dt}/"
    )
    error_message = "Both tables must read every account's partition through the $${account} projection."
  }
}
