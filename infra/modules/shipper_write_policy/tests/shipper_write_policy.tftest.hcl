# shipper_write_policy has no provider and no resources: plan evaluates its
# outputs, which are asserted on directly.

variables {
  archive_bucket_arn = "arn:aws:s3:::acme-log-archive"
  archive_prefix     = "prod/s3-access"
  source_account_id  = "111111111111"
}

run "direct_mode_writes_the_accounts_own_partition" {
  command = plan

  variables {
    mode = "direct"
  }

  assert {
    condition = flatten([for doc in output.policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]) == [
      "WriteOwnPartitionWithOwnerFullControl", "ReadBackOwnPartition", "AbortOwnPartitionUploads",
    ]
    error_message = "Direct mode without archive keys: archive-write.json.tpl only (its own partition read back after a refused conditional write; no s3:ListBucketMultipartUploads)."
  }

  assert {
    condition = one([
      for s in jsondecode(output.policy_documents[0]).Statement : s if s.Sid == "WriteOwnPartitionWithOwnerFullControl"
      ]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/111111111111/*" && one([
      for s in jsondecode(output.policy_documents[0]).Statement : s if s.Sid == "WriteOwnPartitionWithOwnerFullControl"
    ]).Condition.StringEquals["s3:x-amz-acl"] == "bucket-owner-full-control"
    error_message = "Writes must be confined to the account's partition <archive_prefix>/<source_account_id>/ and require bucket-owner-full-control."
  }

  assert {
    condition = one([
      for s in jsondecode(output.policy_documents[0]).Statement : s if s.Sid == "AbortOwnPartitionUploads"
    ]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/111111111111/*"
    error_message = "AbortMultipartUpload must be confined to the account's partition."
  }

  assert {
    condition     = length(output.configuration_errors) == 0
    error_message = "Direct mode needs nothing more."
  }
}

run "direct_mode_with_archive_keys_may_use_them_via_s3" {
  command = plan

  variables {
    mode                 = "direct"
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
  }

  assert {
    condition = contains(
      flatten([for doc in output.policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "EncryptArchiveObjectsViaS3",
    )
    error_message = "Direct mode with archive_kms_key_arns must add archive-kms-encrypt.json.tpl."
  }
}

run "assume_role_mode_only_assumes_the_writer" {
  command = plan

  variables {
    mode                 = "assume-role"
    writer_role_arn      = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
  }

  assert {
    condition = flatten([for doc in output.policy_documents : jsondecode(doc).Statement]) == [{
      Sid      = "AssumeArchiveWriterRole"
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    }]
    error_message = "Assume-role mode: sts:AssumeRole on the writer role, no archive or key access of its own."
  }

  assert {
    condition     = length(output.configuration_errors) == 0
    error_message = "Assume-role mode with writer_role_arn is complete."
  }
}

run "assume_role_mode_without_writer_role_arn_renders_nothing" {
  command = plan

  variables {
    mode = "assume-role"
  }

  assert {
    condition     = length(output.policy_documents) == 0
    error_message = "No document may be rendered without writer_role_arn (no placeholder ARN)."
  }

  assert {
    condition     = length(output.configuration_errors) == 1 && strcontains(output.configuration_errors[0], "writer_role_arn")
    error_message = "The missing writer_role_arn must be reported for the caller's precondition."
  }
}

run "archive_bucket_arn_rejects_object_arns" {
  command = plan

  variables {
    mode               = "direct"
    archive_bucket_arn = "arn:aws:s3:::acme-log-archive/prod"
  }

  expect_failures = [var.archive_bucket_arn]
}

run "source_account_id_must_have_12_digits" {
  command = plan

  variables {
    mode              = "direct"
    source_account_id = "1111"
  }

  expect_failures = [var.source_account_id]
}

run "writer_role_arn_must_be_a_role_arn" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:user/someone"
  }

  expect_failures = [var.writer_role_arn]
}
