# Who may change or destroy the archive (issue 18, item 3), planned against a
# mocked AWS provider: the no-overwrite and admin-guard documents of the
# bucket policy, the break-glass and key-admin roles, the key policy, the
# alarm rules and the organization guard.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-log-archive", id = "acme-log-archive", bucket = "acme-log-archive" }
  }

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms" }
  }
}

override_resource {
  target          = aws_iam_role.break_glass
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-break-glass", id = "logferry-archive-break-glass" }
}

override_resource {
  target          = aws_iam_role.key_admin[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-archive-key-admin" }
}

override_resource {
  target          = aws_cloudwatch_event_rule.protection["bucket"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-bucket-protection", name = "logferry-archive-bucket-protection" }
}

override_resource {
  target          = aws_cloudwatch_event_rule.protection["key"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-key-protection", name = "logferry-archive-key-protection" }
}

variables {
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  source_accounts = {
    "111111111111" = { mode = "direct" }
  }
  key_admin_principal_arns        = ["arn:aws:iam::222222222222:role/terraform-deploy"]
  protection_admin_principal_arns = ["arn:aws:iam::222222222222:role/terraform-*"]
}

# --- Bucket policy -------------------------------------------------------------------------

run "bucket_policy_denies_overwrites_and_guards_the_protections" {
  command = plan

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[4] == templatefile("../../policies/archive-bucket-no-overwrite.json.tpl", {
      archive_bucket_arn = "arn:aws:s3:::acme-log-archive"
      archive_prefix     = "prod/s3-access"
      }) && data.aws_iam_policy_document.archive_bucket.source_policy_documents[5] == templatefile("../../policies/archive-bucket-admin-guard.json.tpl", {
      archive_bucket_arn         = "arn:aws:s3:::acme-log-archive"
      break_glass_principal_arns = ["arn:aws:iam::222222222222:role/logferry-archive-break-glass", "arn:aws:iam::222222222222:role/terraform-*"]
    })
    error_message = "The bucket policy must end with archive-bucket-no-overwrite.json.tpl and the admin guard, which exempts the break-glass role and protection_admin_principal_arns only."
  }

}

run "no_overwrite_deny_can_be_turned_off" {
  command = plan

  variables {
    require_conditional_writes = false
  }

  assert {
    condition = (
      length(data.aws_iam_policy_document.archive_bucket.source_policy_documents) == 5
      && jsondecode(data.aws_iam_policy_document.archive_bucket.source_policy_documents[4]).Statement[0].Sid == "DenyProtectionChangesButBreakGlass"
      && !strcontains(join("\n", slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 3)), "DenyWritesThatCouldReplaceAnObject")
    )
    error_message = "require_conditional_writes = false drops the no-overwrite deny and keeps the admin guard."
  }
}

# --- Roles ------------------------------------------------------------------------------------

run "break_glass_and_key_admin_are_assumed_from_this_account_with_mfa" {
  command = plan

  variables {
    break_glass_trusted_principal_arns = ["arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityOfficer_*"]
  }

  assert {
    condition = jsonencode({
      for role, doc in data.aws_iam_policy_document.protection_role_trust : role => [
        for s in doc.statement : {
          actions    = s.actions
          principals = [for p in s.principals : { type = p.type, identifiers = p.identifiers }]
          conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
        }
      ]
      }) == jsonencode({
      "break-glass" = [{
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "AWS", identifiers = ["arn:aws:iam::222222222222:root"] }]
        conditions = {
          "ArnLike aws:PrincipalArn"        = ["arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityOfficer_*"]
          "Bool aws:MultiFactorAuthPresent" = ["true"]
        }
      }]
      "key-admin" = [{
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "AWS", identifiers = ["arn:aws:iam::222222222222:root"] }]
        conditions = { "Bool aws:MultiFactorAuthPresent" = ["true"] }
      }]
    })
    error_message = "Both roles must trust this account's root with MFA, the break-glass role only the listed principals."
  }

  assert {
    condition = (
      aws_iam_role.break_glass.name == "logferry-archive-break-glass" && aws_iam_role.break_glass.max_session_duration == 3600
      && aws_iam_role.key_admin[0].name == "logferry-archive-key-admin" && aws_iam_role.key_admin[0].max_session_duration == 3600
      && output.break_glass_role_arn == "arn:aws:iam::222222222222:role/logferry-archive-break-glass"
    )
    error_message = "The roles must be <name_prefix>-break-glass and <name_prefix>-key-admin, with one-hour sessions."
  }
}

run "break_glass_trusted_principal_of_another_account_is_refused" {
  command = plan

  variables {
    break_glass_trusted_principal_arns = ["arn:aws:iam::111111111111:role/admin"]
  }

  expect_failures = [aws_iam_role.break_glass]
}

run "protection_admin_cannot_be_an_account_root" {
  command = plan

  variables {
    protection_admin_principal_arns = ["arn:aws:iam::222222222222:root"]
  }

  expect_failures = [var.protection_admin_principal_arns]
}

# --- Key policy --------------------------------------------------------------------------------

run "account_root_only_uses_the_key_and_key_admins_administer_it" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s
      if s.Principal.AWS == "arn:aws:iam::222222222222:root"
      ]) == {
      Sid       = "ArchiveAccountUsesKeyOnly"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::222222222222:root" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
      Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
    }
    error_message = "B's root may only use the key, and only through S3: no PutKeyPolicy, ScheduleKeyDeletion or DisableKey."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s.Principal.AWS
      if contains(s.Action, "kms:PutKeyPolicy")
    ]) == ["arn:aws:iam::222222222222:role/logferry-archive-key-admin", "arn:aws:iam::222222222222:role/terraform-deploy"]
    error_message = "Only the key-admin role and key_admin_principal_arns may administer the key."
  }
}

run "kms_archive_needs_the_deploying_principal_as_key_admin" {
  command = plan

  variables {
    key_admin_principal_arns = []
  }

  expect_failures = [aws_kms_key.archive]
}

run "sse_s3_archive_has_no_key_admin" {
  command = plan

  variables {
    kms_enabled              = false
    key_admin_principal_arns = []
  }

  assert {
    condition     = length(aws_iam_role.key_admin) == 0 && output.key_admin_role_arn == null && keys(aws_cloudwatch_event_rule.protection) == ["bucket"]
    error_message = "Without KMS there is no key to administer or watch."
  }

  assert {
    condition     = [for s in jsondecode(output.organization_guard_policy).Statement : s.Sid] == ["DenyArchiveProtectionChangesButBreakGlass", "DenyArchiveVersionDestructionButBreakGlass"]
    error_message = "Without KMS the organization guard has no key statement."
  }
}

# --- Alarms and the organization guard ------------------------------------------------------

run "rules_watch_this_bucket_and_this_key_and_notify_the_topic" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.protection["bucket"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["AWS API Call via CloudTrail"]
      detail = {
        eventSource       = ["s3.amazonaws.com"]
        eventName         = ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "DeleteBucketLifecycle", "PutBucketVersioning", "PutObjectLockConfiguration"]
        requestParameters = { bucketName = ["acme-log-archive"] }
      }
    }
    error_message = "The bucket rule must match policy, lifecycle, versioning and lock changes to this bucket, by their CloudTrail event names."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.protection["key"].event_pattern).detail == {
      eventSource       = ["kms.amazonaws.com"]
      eventName         = ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"]
      requestParameters = { keyId = ["6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f", "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"] }
    }
    error_message = "The key rule must match the archive key's deletion, disabling and policy changes, by key id or ARN."
  }

  assert {
    condition = (
      alltrue([for t in aws_cloudwatch_event_target.protection : t.arn == "arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms"])
      && length(aws_cloudwatch_event_target.protection) == 2
      && output.protection_rule_names == { bucket = "logferry-archive-bucket-protection", key = "logferry-archive-key-protection" }
      && output.alarm_topic_arn == "arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms"
      && one([for s in jsondecode(module.alarm_topic.topic_policy).Statement : s.Condition.ArnEquals["aws:SourceArn"] if s.Sid == "EventRulesPublish"]) == [
        "arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-bucket-protection",
        "arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-key-protection",
      ]
    )
    error_message = "Both rules must notify the protection topic, whose policy lets EventBridge publish for these rules."
  }
}

run "given_topics_receive_the_alarms" {
  command = plan

  variables {
    alarm_sns_topic_arns = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts", "arn:aws:sns:eu-west-1:222222222222:security"]
  }

  assert {
    condition     = length(aws_cloudwatch_event_target.protection) == 4 && output.alarm_topic_arn == null && toset([for t in aws_cloudwatch_event_target.protection : t.arn]) == toset(["arn:aws:sns:eu-west-1:222222222222:ops-alerts", "arn:aws:sns:eu-west-1:222222222222:security"])
    error_message = "With alarm_sns_topic_arns each rule notifies each given topic and no topic is made."
  }
}

run "organization_guard_holds_the_same_denies_against_the_root_user" {
  command = plan

  assert {
    condition = [for s in jsondecode(output.organization_guard_policy).Statement : {
      sid = s.Sid, principal = s.Principal, resource = s.Resource, exempt = s.Condition.ArnNotLike["aws:PrincipalArn"]
      }] == [
      {
        sid    = "DenyArchiveProtectionChangesButBreakGlass", principal = "*", resource = "arn:aws:s3:::acme-log-archive"
        exempt = ["arn:aws:iam::222222222222:role/logferry-archive-break-glass", "arn:aws:iam::222222222222:role/terraform-*"]
      },
      {
        sid    = "DenyArchiveVersionDestructionButBreakGlass", principal = "*", resource = "arn:aws:s3:::acme-log-archive/*"
        exempt = ["arn:aws:iam::222222222222:role/logferry-archive-break-glass", "arn:aws:iam::222222222222:role/terraform-*"]
      },
      {
        sid    = "DenyArchiveKeyDestructionButKeyAdmins", principal = "*", resource = ["arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"]
        exempt = ["arn:aws:iam::222222222222:role/logferry-archive-key-admin", "arn:aws:iam::222222222222:role/terraform-deploy"]
      },
    ]
    error_message = "The organization guard must deny the protection changes to all but the break-glass principals, and the key's destruction to all but its administrators."
  }
}
