# log_archive's evidence-grade protections (issue 18), planned against a
# mocked AWS provider: the Object Lock default and its validations, a
# lifecycle that never promises to delete what the lock keeps, the bucket
# policy's no-overwrite and admin-guard documents, the break-glass and
# key-admin roles, a key policy whose account root only uses the key, the
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
  protection_admin_principal_arns = ["arn:aws:iam::222222222222:role/terraform-deploy"]
}

# --- Object Lock -------------------------------------------------------------------------

run "governance_lock_for_a_year_by_default" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_object_lock_configuration.archive[0].object_lock_enabled == "Enabled"
      && one(one(aws_s3_bucket_object_lock_configuration.archive[0].rule).default_retention).mode == "GOVERNANCE"
      && one(one(aws_s3_bucket_object_lock_configuration.archive[0].rule).default_retention).days == 365
      && output.object_lock == { mode = "GOVERNANCE", days = 365 }
    )
    error_message = "By default every new version must be locked in GOVERNANCE mode for 365 days."
  }
}

run "compliance_lock_is_accepted" {
  command = plan

  variables {
    object_lock = { mode = "COMPLIANCE", days = 2555 }
  }

  assert {
    condition     = one(one(aws_s3_bucket_object_lock_configuration.archive[0].rule).default_retention).mode == "COMPLIANCE" && one(one(aws_s3_bucket_object_lock_configuration.archive[0].rule).default_retention).days == 2555
    error_message = "object_lock must reach the bucket's default retention as given."
  }
}

run "null_lock_is_a_deliberate_opt_out" {
  command = plan

  variables {
    object_lock = null
  }

  assert {
    condition     = length(aws_s3_bucket_object_lock_configuration.archive) == 0 && one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : one(r.noncurrent_version_expiration).noncurrent_days if r.id == "replaced-query-copies"]) == 30
    error_message = "object_lock = null: no lock configuration, and replaced query copies expire after 30 days."
  }
}

run "unknown_lock_mode_is_rejected" {
  command = plan

  variables {
    object_lock = { mode = "LEGAL_HOLD", days = 365 }
  }

  expect_failures = [var.object_lock]
}

run "lock_of_zero_days_is_rejected" {
  command = plan

  variables {
    object_lock = { mode = "GOVERNANCE", days = 0 }
  }

  expect_failures = [var.object_lock]
}

run "lock_beyond_100_years_is_rejected" {
  command = plan

  variables {
    object_lock = { mode = "COMPLIANCE", days = 36501 }
  }

  expect_failures = [var.object_lock]
}

# --- Lifecycle coherent with the lock -----------------------------------------------------

run "replaced_query_copies_expire_the_day_after_their_lock" {
  command = plan

  assert {
    condition = [
      for r in aws_s3_bucket_lifecycle_configuration.archive.rule : {
        prefix = one(r.filter).prefix
        days   = one(r.noncurrent_version_expiration).noncurrent_days
        other  = length(r.expiration) + length(r.transition)
      } if r.id == "replaced-query-copies"
    ] == [{ prefix = "logferry-query/", days = 366, other = 0 }]
    error_message = "Only noncurrent query copies expire, object_lock.days + 1 after they were replaced; current copies and originals are untouched."
  }
}

run "expiration_shorter_than_the_lock_is_refused_at_plan" {
  command = plan

  variables {
    expiration_days = 364
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.archive]
}

run "noncurrent_expiration_shorter_than_the_lock_is_refused_at_plan" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 30
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.archive]
}

run "compacted_noncurrent_days_shorter_than_the_lock_is_refused_at_plan" {
  command = plan

  variables {
    compacted_noncurrent_days = 90
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.archive]
}

run "expirations_at_least_the_lock_are_accepted" {
  command = plan

  variables {
    expiration_days                    = 3650
    noncurrent_version_expiration_days = 365
    compacted_noncurrent_days          = 400
  }

  assert {
    condition = (
      one(one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r if r.id == "archive-retention"]).noncurrent_version_expiration).noncurrent_days == 365
      && one(one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r if r.id == "replaced-query-copies"]).noncurrent_version_expiration).noncurrent_days == 400
    )
    error_message = "Expirations of at least the lock's days must reach the lifecycle rules."
  }
}
