# examples/archive-account planned with terraform.tfvars.example's values
# (and variations) against a mocked provider: what each source account's
# root is handed (source_account_settings, source_root_tfvars) in both
# modes, the Athena projection derived from source_accounts, and the archive
# key policy naming this root's own compactor and analysts.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"
}

override_resource {
  target          = module.log_archive.aws_iam_role.writer
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-writer-444444444444", id = "logferry-archive-writer-444444444444" }
}

override_resource {
  target          = module.log_compactor[0].aws_iam_role.compactor
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-compactor", id = "logferry-compactor" }
}

override_resource {
  target          = module.athena_archive.module.workspace.aws_iam_role.analyst
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-analyst", id = "logferry-archive-analyst" }
}

override_resource {
  target          = module.athena_direct[0].module.workspace.aws_iam_role.analyst
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-direct-analyst", id = "logferry-direct-analyst" }
}

# terraform.tfvars.example
variables {
  region                      = "eu-west-1"
  archive_account_id          = "222222222222"
  profile                     = "acme-archive-admin"
  archive_bucket_name         = "acme-log-archive"
  archive_prefix              = "prod/s3-access"
  archive_results_bucket_name = "acme-log-archive-athena-results"
  source_accounts = {
    "111111111111" = { mode = "direct", audited_bucket_names = ["acme-prod-data"] }
    "444444444444" = { mode = "direct", audited_bucket_names = ["acme-payments-data"] }
  }
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
  archive_object_lock            = { mode = "GOVERNANCE", days = 365 }
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  compactor_zip_path = "main.tf"
}

run "two_direct_accounts_from_the_example_values" {
  command = plan

  assert {
    condition     = output.source_root_tfvars["111111111111"] == <<-EOT
      mode                = "direct"
      archive_bucket_name = "acme-log-archive"
      archive_prefix      = "prod/s3-access"
      archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
      writer_role_arn     = null
      external_id         = null
      source_account_id   = "111111111111"
      region              = "eu-west-1"
    EOT
    error_message = "source_root_tfvars[111111111111] must be exactly the eight lines a direct source root needs; got:\n${output.source_root_tfvars["111111111111"]}"
  }

  assert {
    condition     = strcontains(output.source_root_tfvars["444444444444"], "source_account_id   = \"444444444444\"\n") && strcontains(output.source_root_tfvars["444444444444"], "mode                = \"direct\"\n")
    error_message = "Each source account gets its own tfvars text."
  }

  assert {
    condition = jsonencode(output.source_account_settings) == jsonencode({
      for id in ["111111111111", "444444444444"] : id => {
        mode                = "direct"
        archive_bucket_name = "acme-log-archive"
        archive_prefix      = "prod/s3-access"
        archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
        writer_role_arn     = null
        external_id         = null
      }
    })
    error_message = "source_account_settings must describe both direct accounts."
  }

  assert {
    condition     = length(output.writer_role_arns) == 0 && output.archive_bucket_name == "acme-log-archive" && output.archive_prefix == "prod/s3-access"
    error_message = "Direct accounts need no writer role."
  }

  assert {
    condition = jsonencode(output.athena_partition_values) == jsonencode({
      account_ids          = ["111111111111", "444444444444"]
      regions              = ["eu-west-1"]
      audited_bucket_names = ["acme-payments-data", "acme-prod-data"]
    })
    error_message = "The Athena enum projections must be derived from source_accounts: its keys, the union of regions (default: region) and of audited buckets."
  }

  assert {
    condition = (
      output.athena_workgroup_name == "logferry-archive"
      && output.athena_database_name == "logferry_archive"
      && output.athena_table == "logferry_archive.s3_access_logs"
      && output.athena_compacted_table == "logferry_archive.s3_access_logs_compacted"
      && output.compactor_function_name == "logferry-compactor"
      && module.athena_archive.compacted_table_location_template == "s3://acme-log-archive/logferry-query/$${account}/$${region}/$${source_bucket}/$${dt}/"
    )
    error_message = "Athena over the archive and the compactor (default on), whose copies the compacted table reads."
  }

  assert {
    condition     = jsonencode(local.archive_compactor_principal_arns) == jsonencode(["arn:aws:iam::222222222222:role/logferry-compactor"]) && jsonencode(local.archive_analyst_principal_arns) == jsonencode(["arn:aws:iam::222222222222:role/logferry-archive-analyst"])
    error_message = "The archive key policy must name this root's compactor and analyst roles (no second apply through a source root)."
  }

  assert {
    condition     = output.athena_direct_workgroup_name == null && length(module.athena_direct) == 0
    error_message = "athena_direct is off by default."
  }
}

run "direct_and_assume_role_accounts" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct", audited_bucket_names = ["acme-prod-data"] }
      "444444444444" = {
        mode                 = "assume-role"
        external_id          = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
        regions              = ["us-east-1", "eu-west-1"]
        audited_bucket_names = ["acme-payments-data"]
      }
    }
  }

  assert {
    condition     = output.source_root_tfvars["444444444444"] == <<-EOT
      mode                = "assume-role"
      archive_bucket_name = "acme-log-archive"
      archive_prefix      = "prod/s3-access"
      archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
      writer_role_arn     = "arn:aws:iam::222222222222:role/logferry-archive-writer-444444444444"
      external_id         = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
      source_account_id   = "444444444444"
      region              = "us-east-1"
    EOT
    error_message = "source_root_tfvars[444444444444] must carry its writer role, its external id and its first region; got:\n${output.source_root_tfvars["444444444444"]}"
  }

  assert {
    condition     = strcontains(output.source_root_tfvars["111111111111"], "writer_role_arn     = null\nexternal_id         = null\n")
    error_message = "A direct account's tfvars have no writer role and no external id."
  }

  assert {
    condition     = jsonencode(output.writer_role_arns) == jsonencode({ "444444444444" = "arn:aws:iam::222222222222:role/logferry-archive-writer-444444444444" })
    error_message = "writer_role_arns must list the assume-role account only."
  }

  assert {
    condition = (
      output.source_account_settings["444444444444"].mode == "assume-role"
      && output.source_account_settings["444444444444"].writer_role_arn == "arn:aws:iam::222222222222:role/logferry-archive-writer-444444444444"
      && output.source_account_settings["444444444444"].external_id == "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
      && output.source_account_settings["111111111111"].writer_role_arn == null
    )
    error_message = "source_account_settings must give the assume-role account its writer role and external id."
  }

  assert {
    condition     = jsonencode(output.athena_partition_values.regions) == jsonencode(["eu-west-1", "us-east-1"])
    error_message = "The region projection is the union of every account's regions."
  }
}

run "sse_s3_archive_without_compaction" {
  command = plan

  variables {
    archive_kms_enabled = false
    compaction_enabled  = false
  }

  assert {
    condition     = output.archive_kms_key_arn == null && strcontains(output.source_root_tfvars["111111111111"], "archive_kms_key_arn = null\n")
    error_message = "Without archive KMS the source roots get archive_kms_key_arn = null."
  }

  assert {
    condition     = output.compactor_function_name == null && output.athena_compacted_table == null && length(module.log_compactor) == 0 && length(local.archive_compactor_principal_arns) == 0 && length(local.archive_analyst_principal_arns) == 0
    error_message = "No compactor, no compacted table and no key policy grants without KMS and compaction."
  }
}

run "athena_direct_behind_its_toggle" {
  command = plan

  variables {
    athena_direct_enabled = true
    athena_direct = {
      source_account_id      = "111111111111"
      access_log_bucket_name = "acme-prod-data-access-logs"
      results_bucket_name    = "acme-prod-data-access-logs-athena-results"
    }
  }

  assert {
    condition     = output.athena_direct_workgroup_name == "logferry-direct" && strcontains(output.athena_direct_log_bucket_policy_json, "arn:aws:iam::222222222222:role/logferry-direct-analyst")
    error_message = "athena_direct_enabled creates the direct workgroup and the log bucket policy document for that source root."
  }

  assert {
    condition     = jsonencode(local.athena_direct_audited_bucket_names) == jsonencode(["acme-prod-data"]) && module.athena_direct[0].table_location_template == "s3://acme-prod-data-access-logs/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "athena_direct reads that account's log bucket under access_log_prefix, with its audited buckets from source_accounts."
  }
}

# source_accounts' own validations (ids, modes, external ids, principals)
# belong to log_archive and are tested there: terraform test cannot expect a
# failure of a child module's variable.

run "some_account_must_name_audited_buckets" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct" }
    }
  }

  expect_failures = [var.source_accounts]
}

run "assume_role_needs_a_role_arn" {
  command = plan

  variables {
    assume_role = { role_arn = "terraform-deploy" }
  }

  expect_failures = [var.assume_role]
}

# --- Compactor alarms ------------------------------------------------------------------

run "compactor_alarms_notify_a_topic_created_here_by_default" {
  command = plan

  assert {
    condition     = output.compactor_alarm_topic_arn == "arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms" && length(aws_sns_topic_subscription.compactor_alarm_email) == 0
    error_message = "By default the compactor's alarms notify the topic log_compactor creates; nobody is subscribed unless asked."
  }

  assert {
    condition     = keys(output.compactor_alarm_names) == tolist(["errors", "falling_behind", "not_running"]) && output.compactor_dashboard_name == "logferry-compactor-eu-west-1"
    error_message = "The compactor has its three alarms and its dashboard."
  }
}

run "compactor_alarms_notify_given_topics" {
  command = plan

  variables {
    alarm_sns_topic_arns = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]
  }

  assert {
    condition     = output.compactor_alarm_topic_arn == null && module.log_compactor[0].alarm_sns_topic_arns == tolist(["arn:aws:sns:eu-west-1:222222222222:ops-alerts"])
    error_message = "alarm_sns_topic_arns must reach log_compactor, which then creates no topic."
  }
}

run "alarm_emails_subscribe_to_the_compactor_topic" {
  command = plan

  variables {
    alarm_email_addresses = ["ops@example.com"]
  }

  assert {
    condition = (
      aws_sns_topic_subscription.compactor_alarm_email["ops@example.com"].protocol == "email"
      && aws_sns_topic_subscription.compactor_alarm_email["ops@example.com"].topic_arn == "arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms"
    )
    error_message = "Each address gets an email subscription to the compactor's topic."
  }
}

run "alarm_emails_need_the_created_topic" {
  command = plan

  variables {
    alarm_email_addresses = ["ops@example.com"]
    alarm_sns_topic_arns  = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]
  }

  expect_failures = [var.alarm_email_addresses]
}
