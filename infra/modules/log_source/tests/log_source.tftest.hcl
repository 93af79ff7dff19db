# log_source, planned against a mocked AWS provider: many existing log buckets
# feed one queue and one shipper through EventBridge, nothing is planned on
# the buckets themselves unless asked, which policies and environment
# variables each mode produces, and that the validations accept good and
# reject bad values.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11),
  # so the rendered policies can be asserted on.
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

override_resource {
  target          = aws_cloudwatch_event_rule.log_objects["acme-prod-access-logs"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-prod-access-logs" }
}

override_resource {
  target          = aws_cloudwatch_event_rule.log_objects["acme-app-logs"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-app-logs" }
}

override_resource {
  target          = aws_cloudwatch_event_rule.log_objects["acme-legacy-logs"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-legacy-logs" }
}

variables {
  source_account_id = "111111111111"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
    "acme-app-logs"         = { prefixes = ["alb/", "cloudfront/"], kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }
    "acme-legacy-logs"      = {}
  }
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

# --- Many buckets, one shipper --------------------------------------------------

run "many_log_buckets_feed_one_queue_and_one_function" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_rule.log_objects) == 3 && length(aws_cloudwatch_event_target.log_objects) == 3
    error_message = "One EventBridge rule (and target) per log bucket."
  }

  assert {
    condition     = toset([for t in aws_cloudwatch_event_target.log_objects : t.arn]) == toset(["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"])
    error_message = "Every rule must target the one queue."
  }

  assert {
    condition = toset(flatten([
      for rule in aws_cloudwatch_event_rule.log_objects : jsondecode(rule.event_pattern).detail.bucket.name
    ])) == toset(["acme-prod-access-logs", "acme-app-logs", "acme-legacy-logs"])
    error_message = "The rules' patterns must name every log bucket."
  }

  assert {
    condition     = output.log_bucket_names == tolist(["acme-app-logs", "acme-legacy-logs", "acme-prod-access-logs"])
    error_message = "log_bucket_names must list every log bucket."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.shipper.event_source_arn == "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"
    error_message = "The one function must consume the one queue."
  }

  assert {
    condition     = length(output.event_rule_arns) == 3 && output.event_rule_arns["acme-app-logs"] == "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-app-logs"
    error_message = "event_rule_arns must map each log bucket to its rule."
  }
}

run "rule_patterns_match_object_created_under_each_buckets_prefixes" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.log_objects["acme-prod-access-logs"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["acme-prod-access-logs"] }
        object = { key = [{ prefix = "s3-access/" }] }
      }
    }
    error_message = "A bucket with prefixes: Object Created events of that bucket, under those prefixes."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.log_objects["acme-app-logs"].event_pattern).detail.object.key == [{ prefix = "alb/" }, { prefix = "cloudfront/" }]
    error_message = "Several prefixes: one prefix filter each (OR)."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.log_objects["acme-legacy-logs"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail        = { bucket = { name = ["acme-legacy-logs"] } }
    }
    error_message = "prefixes = [\"\"] (the default): the whole bucket, no key filter."
  }
}

run "queue_accepts_only_these_rules" {
  command = plan

  assert {
    condition = jsondecode(data.aws_iam_policy_document.queue.source_policy_documents[0]).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The queue policy must start with the TLS-only document."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.queue_eventbridge.statement : s.principals]) == toset([{
      type        = "Service"
      identifiers = toset(["events.amazonaws.com"])
    }])
    error_message = "Only events.amazonaws.com may send to the queue."
  }

  assert {
    condition = one(one(data.aws_iam_policy_document.queue_eventbridge.statement).condition).values == tolist([
      "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-app-logs",
      "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-legacy-logs",
      "arn:aws:events:eu-west-1:111111111111:rule/logferry-acme-prod-access-logs",
    ])
    error_message = "aws:SourceArn must be exactly this module's rules."
  }
}

run "dlq_is_tls_only_too" {
  command = plan

  override_resource {
    target          = aws_sqs_queue.shipper_dlq
    override_during = plan
    values = {
      arn = "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper-dlq"
      id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/logferry-shipper-dlq"
    }
  }

  assert {
    condition = length(data.aws_iam_policy_document.dlq.source_policy_documents) == 1 && data.aws_iam_policy_document.dlq.source_policy_documents[0] == templatefile("../../policies/tls-only.json.tpl", {
      tls_only_service_prefix = "sqs"
      tls_only_resource_arns  = ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper-dlq"]
    })
    error_message = "The DLQ policy must be tls-only.json.tpl for the DLQ itself, and nothing else."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.dlq.source_policy_documents[0]).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper-dlq"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "Every request to the DLQ without TLS must be denied."
  }

  assert {
    condition     = aws_sqs_queue_policy.shipper_dlq.queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/logferry-shipper-dlq"
    error_message = "The TLS-only policy must be attached to the DLQ."
  }
}

run "shipper_reads_every_prefix_and_decrypts_with_the_buckets_keys" {
  command = plan

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "ReadSourceLogObjects"
      ]).Resource == [
      "arn:aws:s3:::acme-app-logs/alb/*",
      "arn:aws:s3:::acme-app-logs/cloudfront/*",
      "arn:aws:s3:::acme-legacy-logs/*",
      "arn:aws:s3:::acme-prod-access-logs/s3-access/*",
    ]
    error_message = "The shipper may read <bucket>/<prefix>* of every log bucket and nothing else."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "DecryptSourceLogObjects"
    ]).Resource == ["arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"]
    error_message = "kms:Decrypt on the log buckets' keys only."
  }
}

run "no_kms_decrypt_without_bucket_keys" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { prefixes = ["s3-access/"] } }
  }

  assert {
    condition = !contains(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "DecryptSourceLogObjects",
    )
    error_message = "No kms:Decrypt when no log bucket names a key."
  }
}

# --- Existing buckets: nothing planned on them unless asked ------------------------

run "nothing_is_planned_on_existing_buckets_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_notification.eventbridge) == 0
    error_message = "No notification configuration is replaced unless eventbridge_notification_buckets asks for it."
  }

  assert {
    condition     = length(output.eventbridge_notification_buckets) == 0
    error_message = "No bucket's notification configuration is owned by default."
  }
}

run "eventbridge_toggle_turns_on_delivery_on_the_listed_buckets_only" {
  command = plan

  variables {
    eventbridge_notification_buckets = ["acme-legacy-logs"]
  }

  assert {
    condition     = keys(aws_s3_bucket_notification.eventbridge) == ["acme-legacy-logs"]
    error_message = "Only the listed bucket gets a notification configuration."
  }

  assert {
    condition = (
      aws_s3_bucket_notification.eventbridge["acme-legacy-logs"].eventbridge == true
      && length(aws_s3_bucket_notification.eventbridge["acme-legacy-logs"].queue) == 0
      && length(aws_s3_bucket_notification.eventbridge["acme-legacy-logs"].topic) == 0
      && length(aws_s3_bucket_notification.eventbridge["acme-legacy-logs"].lambda_function) == 0
    )
    error_message = "The configuration is EventBridge delivery and nothing else."
  }
}

run "eventbridge_notification_buckets_must_be_log_buckets" {
  command = plan

  variables {
    eventbridge_notification_buckets = ["acme-prod-data"]
  }

  expect_failures = [aws_s3_bucket_notification.eventbridge]
}

run "direct_mode_writes_itself" {
  command = plan

  variables {
    mode                = "direct"
    archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/*"
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
      "WriteOwnPartitionWithOwnerFullControl",
    )
    error_message = "Direct mode must attach archive-write.json.tpl."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "WriteOwnPartitionWithOwnerFullControl"
      ]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/111111111111/*" && one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "WriteOwnPartitionWithOwnerFullControl"
    ]).Condition.StringEquals["s3:x-amz-acl"] == "bucket-owner-full-control"
    error_message = "The archive write must be limited to the account's partition <archive_prefix>/<source_account_id>/ and require bucket-owner-full-control."
  }

  assert {
    condition = contains(
      flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "EncryptArchiveObjectsViaS3",
    )
    error_message = "Direct mode with archive_kms_key_arn must attach archive-kms-encrypt.json.tpl."
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
    mode                = "assume-role"
    writer_role_arn     = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id         = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/*"
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
      ["WriteOwnPartitionWithOwnerFullControl", "EncryptArchiveObjectsViaS3"],
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

run "archive_kms_key_arn_rejects_aliases" {
  command = plan

  variables {
    archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:alias/acme-log-archive"
  }

  expect_failures = [var.archive_kms_key_arn]
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

# --- log_buckets ------------------------------------------------------------------

run "log_buckets_must_not_be_empty" {
  command = plan

  variables {
    log_buckets = {}
  }

  expect_failures = [var.log_buckets]
}

run "log_bucket_names_must_be_bucket_names" {
  command = plan

  variables {
    log_buckets = { "Acme_Logs" = {} }
  }

  expect_failures = [var.log_buckets]
}

run "log_bucket_prefix_with_leading_slash_is_rejected" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { prefixes = ["/s3-access/"] } }
  }

  expect_failures = [var.log_buckets]
}

run "log_bucket_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { prefixes = ["s3-access/../other/"] } }
  }

  expect_failures = [var.log_buckets]
}

run "log_bucket_prefixes_must_not_be_empty" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { prefixes = [] } }
  }

  expect_failures = [var.log_buckets]
}

run "log_bucket_kms_key_arn_rejects_aliases" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/logs" } }
  }

  expect_failures = [var.log_buckets]
}

run "empty_prefix_ships_the_whole_bucket" {
  command = plan

  variables {
    log_buckets = { "acme-prod-access-logs" = { prefixes = ["s3-access/", ""] } }
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.shipper.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "ReadSourceLogObjects"
    ]).Resource == ["arn:aws:s3:::acme-prod-access-logs/*"]
    error_message = "\"\" among the prefixes means the whole bucket: one read ARN, no key filter."
  }

  assert {
    condition     = !can(jsondecode(aws_cloudwatch_event_rule.log_objects["acme-prod-access-logs"].event_pattern).detail.object)
    error_message = "\"\" among the prefixes: no key filter in the rule."
  }
}

run "long_bucket_names_get_rule_names_of_64_characters" {
  command = plan

  variables {
    name_prefix = "logferry-organization-shipper"
    log_buckets = {
      "acme-very-long-log-bucket-name-for-the-production-accounts-one" = {}
      "acme-very-long-log-bucket-name-for-the-production-accounts-two" = {}
    }
  }

  assert {
    condition = alltrue([for rule in aws_cloudwatch_event_rule.log_objects : length(rule.name) <= 64]) && length(distinct([
      for rule in aws_cloudwatch_event_rule.log_objects : rule.name
    ])) == 2
    error_message = "Rule names must fit EventBridge's 64 characters and stay distinct."
  }
}
