# log_source, planned against a mocked AWS provider: which policies and
# environment variables each mode produces, what lands in the access log
# bucket policy, and that the validations accept good and reject bad values.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11),
  # so the rendered policies can be asserted on.
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

override_resource {
  target          = aws_s3_bucket.access_logs
  override_during = plan
  values          = { arn = "arn:aws:s3:::acme-prod-data-access-logs", id = "acme-prod-data-access-logs" }
}

override_resource {
  target          = aws_s3_bucket.audited
  override_during = plan
  values          = { arn = "arn:aws:s3:::acme-prod-data", id = "acme-prod-data" }
}

variables {
  source_account_id      = "111111111111"
  audited_bucket_name    = "acme-prod-data"
  access_log_bucket_name = "acme-prod-data-access-logs"
  archive_bucket_name    = "acme-log-archive"
  archive_prefix         = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

run "direct_mode_writes_itself" {
  command = plan

  variables {
    mode                 = "direct"
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
  }

  assert {
    condition = keys(aws_lambda_function.shipper.environment[0].variables) == sort([
      "LOGFERRY_AUTH_MODE", "LOGFERRY_DEST_BUCKET", "LOGFERRY_DEST_PREFIX", "LOGFERRY_SOURCE_ACCOUNT",
    ])
    error_message = "Direct mode must hand the shipper exactly mode, bucket, prefix and source account (no role ARN or external id)."
  }

  assert {
    condition     = aws_lambda_function.shipper.environment[0].variables["LOGFERRY_AUTH_MODE"] == "direct"
    error_message = "LOGFERRY_AUTH_MODE must be the mode."
  }

  assert {
    condition = contains(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "WriteArchivePrefixWithOwnerFullControl",
    )
    error_message = "Direct mode must attach archive-write.json.tpl."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "WriteArchivePrefixWithOwnerFullControl"
      ]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/*" && one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "WriteArchivePrefixWithOwnerFullControl"
    ]).Condition.StringEquals["s3:x-amz-acl"] == "bucket-owner-full-control"
    error_message = "The archive write must be limited to the archive prefix and require bucket-owner-full-control."
  }

  assert {
    condition = contains(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "EncryptArchiveObjectsViaS3",
    )
    error_message = "Direct mode with archive_kms_key_arns must attach archive-kms-encrypt.json.tpl."
  }

  assert {
    condition = !contains(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "AssumeArchiveWriterRole",
    )
    error_message = "Direct mode must not allow sts:AssumeRole."
  }
}

run "assume_role_mode_assumes_the_writer" {
  command = plan

  variables {
    mode                 = "assume-role"
    writer_role_arn      = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id          = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
  }

  assert {
    condition     = aws_lambda_function.shipper.environment[0].variables["LOGFERRY_AUTH_MODE"] == "assume-role"
    error_message = "LOGFERRY_AUTH_MODE must be the mode."
  }

  assert {
    condition     = aws_lambda_function.shipper.environment[0].variables["LOGFERRY_ROLE_ARN"] == "arn:aws:iam::222222222222:role/logferry-archive-writer"
    error_message = "Assume-role mode must hand the writer role ARN to the shipper."
  }

  assert {
    condition     = aws_lambda_function.shipper.environment[0].variables["LOGFERRY_EXTERNAL_ID"] == "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    error_message = "Assume-role mode must hand the external id to the shipper."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "AssumeArchiveWriterRole"
    ] == ["arn:aws:iam::222222222222:role/logferry-archive-writer"]
    error_message = "Assume-role mode must allow sts:AssumeRole on the writer role only."
  }

  assert {
    condition = length(setintersection(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      ["WriteArchivePrefixWithOwnerFullControl", "EncryptArchiveObjectsViaS3"],
    )) == 0
    error_message = "Assume-role mode must not let the shipper's own role write to the archive or use its key."
  }
}

# --- Assume-role inputs: a missing value stops the plan, nothing is rendered ----

# The shipper's policy is refused before anything is rendered from a missing
# writer_role_arn (the old code rendered sts:AssumeRole on "unset" and only
# the function's precondition stopped the plan).
run "assume_role_mode_without_writer_role_arn_renders_no_policy" {
  command = plan

  variables {
    mode        = "assume-role"
    external_id = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }

  expect_failures = [data.aws_iam_policy_document.shipper]
}

run "assume_role_mode_without_anything_renders_no_policy" {
  command = plan

  variables {
    mode = "assume-role"
  }

  expect_failures = [data.aws_iam_policy_document.shipper]
}

run "assume_role_mode_needs_external_id" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
  }

  expect_failures = [aws_lambda_function.shipper]
}

# --- TLS only: both buckets and the queue merge tls-only.json.tpl ------------------

run "buckets_and_queue_deny_insecure_transport" {
  command = plan

  assert {
    condition = jsondecode(aws_s3_bucket_policy.audited.policy).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-data/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The audited bucket policy must deny every non-TLS request to the bucket and its objects."
  }

  assert {
    # [0]: the TLS-only template; [1] is a data source read at apply.
    condition = jsondecode(data.aws_iam_policy_document.access_logs.source_policy_documents[0]).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-prod-data-access-logs", "arn:aws:s3:::acme-prod-data-access-logs/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The access log bucket policy must deny every non-TLS request to the bucket and its objects."
  }

  assert {
    # [0]: the TLS-only template; [1] is a data source read at apply.
    condition = jsondecode(data.aws_iam_policy_document.queue.source_policy_documents[0]).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The queue policy must deny every non-TLS request to the queue (statement with aws:SecureTransport = false)."
  }
}

run "access_log_bucket_policy_merges_extra_documents" {
  command = plan

  variables {
    access_log_bucket_policy_documents = [jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "AthenaAnalystsReadLogObjects", Effect = "Allow", Principal = { AWS = ["arn:aws:iam::222222222222:role/logferry-direct-analyst"] }, Action = "s3:GetObject", Resource = "arn:aws:s3:::acme-prod-data-access-logs/s3-access/*" }]
    })]
  }

  # [1] is the log delivery document, itself a data source read at apply.
  assert {
    condition     = jsondecode(data.aws_iam_policy_document.access_logs.source_policy_documents[0]).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The access log bucket policy must start with the TLS-only document."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.access_logs.source_policy_documents[2]).Statement[0].Principal.AWS == ["arn:aws:iam::222222222222:role/logferry-direct-analyst"]
    error_message = "access_log_bucket_policy_documents must be merged into the access log bucket policy."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.access_logs.source_policy_documents) == 3
    error_message = "Expected three source documents: TLS-only, log delivery, one extra."
  }
}

run "access_log_bucket_policy_documents_must_be_json" {
  command = plan

  variables {
    access_log_bucket_policy_documents = ["not json"]
  }

  expect_failures = [var.access_log_bucket_policy_documents]
}

# --- external_id: 2-1224 characters of the STS alphabet ----------------------

run "external_id_of_2_characters_is_accepted" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "ab"
  }
}

run "external_id_of_36_characters_is_accepted" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }
}

run "external_id_of_1224_characters_is_accepted" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = format("%01224d", 0)
  }

  assert {
    condition     = length(aws_lambda_function.shipper.environment[0].variables["LOGFERRY_EXTERNAL_ID"]) == 1224
    error_message = "The 1224-character external id must reach the shipper unchanged."
  }
}

run "external_id_of_1_character_is_rejected" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "a"
  }

  expect_failures = [var.external_id]
}

run "external_id_of_1225_characters_is_rejected" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = format("%01225d", 0)
  }

  expect_failures = [var.external_id]
}

run "external_id_with_bad_characters_is_rejected" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "has space;and*star"
  }

  expect_failures = [var.external_id]
}

# --- ARNs ------------------------------------------------------------------------

run "writer_role_arn_must_be_a_role_arn" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::2222:user/someone"
    external_id     = "ab"
  }

  expect_failures = [var.writer_role_arn]
}

run "archive_kms_key_arns_reject_aliases" {
  command = plan

  variables {
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:alias/acme-log-archive"]
  }

  expect_failures = [var.archive_kms_key_arns]
}

run "alarm_sns_topic_arns_reject_non_sns_arns" {
  command = plan

  variables {
    alarm_sns_topic_arns = ["arn:aws:sqs:eu-west-1:111111111111:ops-alerts"]
  }

  expect_failures = [var.alarm_sns_topic_arns]
}

# --- Prefixes: no leading or trailing slash, no '..' -------------------------------

run "archive_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    archive_prefix = "/prod/s3-access"
  }

  expect_failures = [var.archive_prefix]
}

run "archive_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/s3-access/"
  }

  expect_failures = [var.archive_prefix]
}

run "archive_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/../other"
  }

  expect_failures = [var.archive_prefix]
}

run "access_log_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    access_log_prefix = "/s3-access"
  }

  expect_failures = [var.access_log_prefix]
}

run "access_log_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    access_log_prefix = "s3-access/"
  }

  expect_failures = [var.access_log_prefix]
}

run "access_log_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    access_log_prefix = "logs/.."
  }

  expect_failures = [var.access_log_prefix]
}
