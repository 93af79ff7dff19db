# examples/archive-account's evidence settings, planned against a mocked
# provider: the lock the example turns on, the identity applying the root
# kept able to apply it again, and the analysts' trust.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/archive"
}

override_resource {
  target          = module.log_archive.aws_s3_bucket.archive
  override_during = plan
  values          = { arn = "arn:aws:s3:::acme-log-archive", id = "acme-log-archive", bucket = "acme-log-archive" }
}

override_resource {
  target          = module.log_archive.aws_iam_role.break_glass
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-break-glass", id = "logferry-archive-break-glass" }
}

override_resource {
  target          = module.log_archive.aws_iam_role.key_admin[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-key-admin" }
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
  compactor_zip_path             = "main.tf"
}

run "the_example_locks_the_archive_and_keeps_its_deployer_in_charge" {
  command = plan

  assert {
    condition     = output.archive_object_lock == { mode = "GOVERNANCE", days = 365 }
    error_message = "The example must lock every archived version, GOVERNANCE for 365 days."
  }

  assert {
    condition = (
      output.archive_break_glass_role_arn == "arn:aws:iam::222222222222:role/logferry-archive-break-glass"
      && strcontains(output.archive_organization_guard_policy, "arn:aws:iam::222222222222:role/terraform-deploy")
      && contains(jsondecode(output.archive_organization_guard_policy).Statement[2].Condition.ArnNotLike["aws:PrincipalArn"], "arn:aws:iam::222222222222:role/logferry-archive-key-admin")
    )
    error_message = "The role applying the root (not its session) must stay a protection and key administrator, beside the break-glass and key-admin roles."
  }

  assert {
    condition     = keys(output.archive_protection_rule_names) == ["bucket", "key"] && output.archive_alarm_topic_arn != null
    error_message = "The example must alarm on changes to the bucket's protections and to the key, through the topic log_archive creates."
  }
}

run "named_administrators_replace_the_deployer" {
  command = plan

  variables {
    protection_admin_principal_arns = ["arn:aws:iam::222222222222:role/ci-deploy"]
    key_admin_principal_arns        = ["arn:aws:iam::222222222222:role/ci-deploy"]
  }

  assert {
    condition     = !strcontains(output.archive_organization_guard_policy, "terraform-deploy") && strcontains(output.archive_organization_guard_policy, "arn:aws:iam::222222222222:role/ci-deploy")
    error_message = "protection_admin_principal_arns and key_admin_principal_arns, when given, replace the deploying identity."
  }
}

run "analyst_trust_rejects_an_account_root" {
  command = plan

  variables {
    analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
  }

  expect_failures = [var.analyst_trusted_principal_arns]
}
