# access_log_bucket, planned against a mocked AWS provider: the new log bucket
# trusts every audited bucket for log delivery, deletes nothing by default, the
# new audited buckets log into it in S3's partitioned layout, and the
# validations reject bad values.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

override_resource {
  target          = aws_s3_bucket.log
  override_during = plan
  values          = { id = "acme-prod-access-logs", arn = "arn:aws:s3:::acme-prod-access-logs" }
}

variables {
  source_account_id    = "111111111111"
  log_bucket_name      = "acme-prod-access-logs"
  audited_bucket_names = ["acme-prod-data", "acme-prod-exports"]
}

run "log_delivery_trusts_every_audited_bucket_of_the_account" {
  command = plan

  variables {
    log_delivery_source_bucket_arns = ["arn:aws:s3:::acme-existing-data"]
  }

  assert {
    condition     = output.log_delivery_source_bucket_arns == tolist(["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-exports", "arn:aws:s3:::acme-existing-data"])
    error_message = "Created and listed audited buckets may all deliver logs."
  }

  assert {
    condition = one(data.aws_iam_policy_document.log_delivery[0].statement).condition == toset([
      { test = "ArnLike", variable = "aws:SourceArn", values = tolist(["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-exports", "arn:aws:s3:::acme-existing-data"]) },
      { test = "StringEquals", variable = "aws:SourceAccount", values = tolist(["111111111111"]) },
    ])
    error_message = "logging.s3.amazonaws.com may deliver for the listed audited buckets (aws:SourceArn) of this account (aws:SourceAccount) only."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.log_delivery[0].statement).resources == toset(["arn:aws:s3:::acme-prod-access-logs/s3-access/*"])
    error_message = "Log delivery may write under <log_prefix>/ only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.log.source_policy_documents[0]).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The log bucket policy must start with the TLS-only document."
  }
}

run "nothing_expires_by_default" {
  command = plan

  assert {
    condition     = length(one(aws_s3_bucket_lifecycle_configuration.log.rule).expiration) == 0
    error_message = "log_expiration_days = null (default): no expiration, logferry deletes no log."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.log.rule).abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Abandoned multipart uploads are still cleaned up."
  }
}

run "expiration_only_when_asked" {
  command = plan

  variables {
    log_expiration_days = 400
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.log.rule).expiration).days == 400
    error_message = "log_expiration_days must set the expiration."
  }
}

run "audited_buckets_log_into_the_log_bucket_partitioned_by_event_time" {
  command = plan

  assert {
    condition     = keys(aws_s3_bucket_logging.audited) == ["acme-prod-data", "acme-prod-exports"]
    error_message = "Every new audited bucket gets server access logging."
  }

  assert {
    condition = alltrue([
      for logging in aws_s3_bucket_logging.audited :
      logging.target_bucket == "acme-prod-access-logs" && logging.target_prefix == "s3-access/"
      && one(one(logging.target_object_key_format).partitioned_prefix).partition_date_source == "EventTime"
    ])
    error_message = "Logging must go to <log bucket>/<log_prefix>/ with the partitioned key format (EventTime)."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.audited["acme-prod-data"].policy).Statement[0].Resource == ["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-data/*"]
    error_message = "New audited buckets get the TLS-only policy."
  }

  assert {
    condition     = length(aws_s3_bucket_public_access_block.bucket) == 3 && length(aws_s3_bucket_ownership_controls.bucket) == 3 && length(aws_s3_bucket_versioning.bucket) == 3
    error_message = "Every bucket created here is hardened (public access block, BucketOwnerEnforced, versioning)."
  }

  assert {
    condition     = alltrue([for o in aws_s3_bucket_ownership_controls.bucket : one(o.rule).object_ownership == "BucketOwnerEnforced"])
    error_message = "ACLs disabled on every bucket created here."
  }
}

run "log_bucket_alone" {
  command = plan

  variables {
    audited_bucket_names = []
  }

  assert {
    condition     = length(aws_s3_bucket.audited) == 0 && length(data.aws_iam_policy_document.log_delivery) == 0
    error_message = "No audited bucket, no log delivery statement (nothing may deliver yet)."
  }
}

run "kms_key_for_the_new_buckets" {
  command = plan

  variables {
    kms_enabled = true
  }

  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    error_message = "kms_enabled: the key's ARN is an output, for log_source's log_buckets."
  }

  assert {
    condition     = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.bucket : one(one(c.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"])
    error_message = "kms_enabled: SSE-KMS on every bucket created here."
  }
}

run "log_expiration_days_of_zero_is_rejected" {
  command = plan

  variables {
    log_expiration_days = 0
  }

  expect_failures = [var.log_expiration_days]
}

run "log_delivery_source_bucket_arns_reject_object_arns" {
  command = plan

  variables {
    log_delivery_source_bucket_arns = ["arn:aws:s3:::acme-existing-data/*"]
  }

  expect_failures = [var.log_delivery_source_bucket_arns]
}

run "log_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    log_prefix = "s3-access/"
  }

  expect_failures = [var.log_prefix]
}

run "audited_bucket_names_must_be_bucket_names" {
  command = plan

  variables {
    audited_bucket_names = ["Acme_Data"]
  }

  expect_failures = [var.audited_bucket_names]
}
