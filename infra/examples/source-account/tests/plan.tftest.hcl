# examples/source-account planned with terraform.tfvars.example's values
# against a mocked provider: one shipper and one queue for every log bucket of
# the account, nothing created or replaced on existing buckets unless asked,
# the optional new log bucket, assume-role mode and the variables' checks.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

variables {
  region            = "eu-west-1"
  source_account_id = "111111111111"
  profile           = "acme-source-admin"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
  }
  mode                = "direct"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "access-logs"
  archive_kms_key_arn = null
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  lambda_zip_path = "main.tf"
}

run "plans_with_the_example_values" {
  command = plan

  assert {
    condition     = output.shipper_role_arn == "arn:aws:iam::111111111111:role/logferry-shipper"
    error_message = "The shipper role must be <name_prefix>-shipper, the principal account B allows."
  }

  assert {
    condition     = output.log_bucket_names == tolist(["acme-prod-access-logs"]) && keys(output.event_rule_arns) == ["acme-prod-access-logs"]
    error_message = "The example ships its one log bucket through one rule."
  }

  assert {
    condition     = length(output.eventbridge_notification_buckets) == 0
    error_message = "No bucket's notification configuration is replaced unless asked."
  }

  assert {
    condition     = length(module.new_log_bucket) == 0 && output.created_log_bucket_name == null && length(output.created_audited_bucket_names) == 0
    error_message = "Nothing is created without new_log_bucket."
  }

  assert {
    condition     = output.queue_arn == "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"
    error_message = "queue_arn must be the shipper's queue."
  }
}

run "many_log_buckets_one_shipper" {
  command = plan

  variables {
    log_buckets = {
      "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
      "acme-app-logs"         = { prefixes = ["alb/"] }
      "acme-legacy-logs"      = {}
    }
    eventbridge_notification_buckets = ["acme-legacy-logs"]
  }

  assert {
    condition     = output.log_bucket_names == tolist(["acme-app-logs", "acme-legacy-logs", "acme-prod-access-logs"]) && length(output.event_rule_arns) == 3
    error_message = "Every log bucket is shipped, one rule each."
  }

  assert {
    condition     = output.shipper_function_name == "logferry-shipper"
    error_message = "One shipper for all of them."
  }

  assert {
    condition     = output.eventbridge_notification_buckets == tolist(["acme-legacy-logs"])
    error_message = "Only the listed bucket's notification configuration is owned."
  }
}

run "new_log_bucket_is_created_and_shipped" {
  command = plan

  variables {
    log_buckets = {}
    new_log_bucket = {
      name                          = "acme-dev-access-logs"
      audited_bucket_names          = ["acme-dev-data", "acme-dev-exports"]
      existing_audited_bucket_names = ["acme-dev-legacy"]
    }
  }

  assert {
    condition     = output.created_log_bucket_name == "acme-dev-access-logs" && output.created_audited_bucket_names == tolist(["acme-dev-data", "acme-dev-exports"])
    error_message = "new_log_bucket creates the log bucket and the audited buckets."
  }

  assert {
    condition     = output.log_bucket_names == tolist(["acme-dev-access-logs"]) && output.eventbridge_notification_buckets == tolist(["acme-dev-access-logs"])
    error_message = "The created log bucket is shipped, with EventBridge delivery turned on (it has no notifications of its own)."
  }

  assert {
    condition     = module.new_log_bucket[0].log_delivery_source_bucket_arns == tolist(["arn:aws:s3:::acme-dev-data", "arn:aws:s3:::acme-dev-exports", "arn:aws:s3:::acme-dev-legacy"])
    error_message = "Log delivery must trust every audited bucket, created or existing."
  }

  assert {
    condition     = module.new_log_bucket[0].log_prefixes == ["s3-access/"]
    error_message = "The created bucket is shipped under its log prefix."
  }
}

run "new_log_bucket_next_to_existing_ones" {
  command = plan

  variables {
    new_log_bucket = { name = "acme-dev-access-logs" }
  }

  assert {
    condition     = output.log_bucket_names == tolist(["acme-dev-access-logs", "acme-prod-access-logs"]) && output.eventbridge_notification_buckets == tolist(["acme-dev-access-logs"])
    error_message = "Existing and created log buckets feed the same shipper; only the created one's notifications are owned."
  }
}

run "assume_role_mode_plans_with_writer_role_and_external_id" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-writer-111111111111"
    external_id     = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }

  assert {
    condition     = output.shipper_role_arn == "arn:aws:iam::111111111111:role/logferry-shipper"
    error_message = "Assume-role mode plans with B's writer role and external id."
  }
}

run "ambient_credentials_with_an_assumed_role" {
  command = plan

  variables {
    profile     = null
    assume_role = { role_arn = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", session_name = "logferry" }
  }
}

run "assume_role_needs_a_role_arn" {
  command = plan

  variables {
    assume_role = { role_arn = "OrganizationAccountAccessRole" }
  }

  expect_failures = [var.assume_role]
}

run "source_account_id_must_have_12_digits" {
  command = plan

  variables {
    source_account_id = "1111"
  }

  expect_failures = [var.source_account_id]
}

run "region_must_be_a_region" {
  command = plan

  variables {
    region = "Ireland"
  }

  expect_failures = [var.region]
}

run "archive_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    archive_prefix = "access-logs/"
  }

  expect_failures = [var.archive_prefix]
}

run "assume_role_mode_without_writer_role_arn_fails_at_plan" {
  command = plan

  variables {
    mode        = "assume-role"
    external_id = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }

  expect_failures = [var.writer_role_arn]
}

run "assume_role_mode_without_external_id_fails_at_plan" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-writer-111111111111"
  }

  expect_failures = [var.external_id]
}

run "nothing_to_ship_is_rejected" {
  command = plan

  variables {
    log_buckets = {}
  }

  expect_failures = [var.log_buckets]
}

# --- Operations: alarms, dashboard, redrive ---------------------------------------------

run "alarms_notify_a_topic_created_here_by_default" {
  command = plan

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms" && length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "By default the shipper's alarms notify the topic log_source creates; nobody is subscribed unless asked."
  }

  assert {
    condition     = length(output.alarm_names) == 7 && output.dashboard_name == "logferry-shipper-eu-west-1" && output.redrive_role_arn == null
    error_message = "Seven alarms (silence included), one dashboard, no redrive role unless asked."
  }
}

run "alarm_emails_subscribe_to_the_created_topic" {
  command = plan

  variables {
    alarm_email_addresses = ["ops@example.com", "oncall@example.com"]
  }

  assert {
    condition = toset(keys(aws_sns_topic_subscription.alarm_email)) == toset(["ops@example.com", "oncall@example.com"]) && alltrue([
      for s in aws_sns_topic_subscription.alarm_email : s.protocol == "email" && s.topic_arn == "arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms"
    ])
    error_message = "Each address gets an email subscription to the shipper's topic."
  }
}

run "alarm_emails_need_the_created_topic" {
  command = plan

  variables {
    alarm_email_addresses = ["ops@example.com"]
    alarm_sns_topic_arns  = ["arn:aws:sns:eu-west-1:111111111111:ops-alerts"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "alarm_email_addresses_must_be_addresses" {
  command = plan

  variables {
    alarm_email_addresses = ["ops at example.com"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "idle_accounts_switch_the_silence_alarm_off" {
  command = plan

  variables {
    silence_alarm_hours = null
  }

  assert {
    condition     = !contains(keys(output.alarm_names), "silence") && length(output.alarm_names) == 6
    error_message = "silence_alarm_hours = null must reach log_source and drop the silence alarm."
  }
}

run "redrive_role_for_named_operator_roles" {
  command = plan

  variables {
    redrive_principal_arns = ["arn:aws:iam::111111111111:role/ops-ci"]
  }

  assert {
    condition     = output.redrive_role_arn != null && length(module.log_source.redrive_policy_json) > 0
    error_message = "redrive_principal_arns must reach log_source and create the redrive role."
  }
}

run "redrive_principal_arns_must_be_role_arns" {
  command = plan

  variables {
    redrive_principal_arns = ["arn:aws:iam::111111111111:root"]
  }

  expect_failures = [var.redrive_principal_arns]
}
