# examples/athena planned with terraform.tfvars.example's values against a
# mocked provider: the archive key is found by log_archive's default alias,
# the two query setups do not collide, and the compactor's role reaches the
# source root when (and only when) the archive key must grant it.

mock_provider "aws" {
  alias = "archive"
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_data "aws_kms_alias" {
    defaults = { target_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f" }
  }
}

variables {
  archive_profile                = "acme-archive-admin"
  source_account_id              = "111111111111"
  archive_account_id             = "222222222222"
  audited_bucket_names           = ["acme-prod-data"]
  access_log_bucket_name         = "acme-prod-data-access-logs"
  archive_bucket_name            = "acme-log-archive"
  archive_prefix                 = "prod/s3-access"
  archive_results_bucket_name    = "acme-log-archive-athena-results"
  direct_results_bucket_name     = "acme-prod-data-access-logs-athena-results"
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  compactor_zip_path = "main.tf"
}

run "plans_with_the_example_values" {
  command = plan

  assert {
    condition     = data.aws_kms_alias.archive[0].name == "alias/acme-log-archive"
    error_message = "The archive key must be looked up by log_archive's default alias."
  }

  assert {
    condition     = output.archive_workgroup_name != output.direct_workgroup_name && output.archive_table != output.direct_table
    error_message = "The two Athena setups need distinct workgroups and databases."
  }

  assert {
    condition     = length(output.source_root_tfvars.access_log_bucket_policy_documents) == 1 && length(output.source_root_tfvars.archive_analyst_principal_arns) == 1
    error_message = "source_root_tfvars must carry the log bucket document and the archive analyst role."
  }

  assert {
    condition     = length(output.source_root_tfvars.archive_compactor_principal_arns) == 1 && output.source_root_tfvars.archive_query_prefix == "logferry-query"
    error_message = "With a KMS archive, source_root_tfvars must carry the compactor's role and its (default) query prefix for the key policy."
  }

  assert {
    condition     = output.compactor_function_name == "logferry-compactor" && output.compacted_table == "logferry_archive.s3_access_logs_compacted"
    error_message = "Compaction (default on) deploys logferry-compactor and a compacted table beside the archive table."
  }

  assert {
    condition     = module.log_compactor[0].query_prefix == "logferry-query" && module.athena_archive.compacted_table_location_template == "s3://acme-log-archive/logferry-query/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "The compacted table must read where the compactor writes."
  }
}

run "custom_query_prefix_reaches_compactor_table_and_source_root" {
  command = plan

  variables {
    query_prefix = "athena/compacted"
  }

  assert {
    condition = (
      module.log_compactor[0].query_prefix == "athena/compacted"
      && startswith(module.athena_archive.compacted_table_location_template, "s3://acme-log-archive/athena/compacted/")
      && output.source_root_tfvars.archive_query_prefix == "athena/compacted"
    )
    error_message = "query_prefix must reach the compactor, the compacted table and the source root's key policy."
  }
}

run "compaction_can_be_turned_off" {
  command = plan

  variables {
    compaction_enabled = false
  }

  assert {
    condition = (
      length(module.log_compactor) == 0
      && output.compactor_function_name == null
      && output.compacted_table == null
      && module.athena_archive.compacted_table_name == null
      && length(output.source_root_tfvars.archive_compactor_principal_arns) == 0
      && output.source_root_tfvars.archive_query_prefix == null
    )
    error_message = "compaction_enabled = false must create no compactor, no compacted table and no key policy grant."
  }
}

run "sse_s3_archive_needs_no_key_lookup" {
  command = plan

  variables {
    archive_kms_enabled = false
  }

  assert {
    condition     = length(data.aws_kms_alias.archive) == 0 && length(output.source_root_tfvars.archive_analyst_principal_arns) == 0
    error_message = "Without archive KMS there is no alias lookup and no key policy grant."
  }

  assert {
    condition     = length(module.log_compactor) == 1 && length(output.source_root_tfvars.archive_compactor_principal_arns) == 0
    error_message = "Without archive KMS the compactor still runs, but there is no key policy to name it in."
  }
}
