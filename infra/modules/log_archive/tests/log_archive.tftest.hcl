# log_archive, planned against a mocked AWS provider: the partition fence in
# the rendered bucket policy, one writer role per assume-role account with its
# own external id and partition, who the key policy lets encrypt, the
# validations of source_accounts, and the key grants of the compactor and
# the analysts.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-log-archive", id = "acme-log-archive", bucket = "acme-log-archive" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/logferry-archive-writer-mock", id = "logferry-archive-writer-mock" }
  }
}

variables {
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  source_accounts = {
    "111111111111" = { mode = "direct", audited_bucket_names = ["acme-prod-data"] }
  }
  key_admin_principal_arns = ["arn:aws:iam::222222222222:role/terraform-deploy"]
}

run "direct_accounts_are_fenced_into_their_own_partition" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct" }
      "444444444444" = { mode = "direct", writer_principal_arns = ["arn:aws:iam::444444444444:role/payments-*"] }
    }
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_bucket.source_policy_documents[1]).Statement : s
      if s.Sid == "SourceAccountsWriteOwnPartitionWithOwnerFullControl"
      ]) == {
      Sid       = "SourceAccountsWriteOwnPartitionWithOwnerFullControl"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111111111111:root", "arn:aws:iam::444444444444:root"] }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-log-archive/prod/s3-access/$${aws:PrincipalAccount}/*"
      Condition = {
        StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" }
        ArnLike = { "aws:PrincipalArn" = [
          "arn:aws:iam::111111111111:role/logferry-shipper",
          "arn:aws:iam::444444444444:role/payments-*",
        ] }
      }
    }
    error_message = "Direct accounts must be named by their roots, matched on aws:PrincipalArn (default: the shipper role), and confined to <archive_prefix>/$${aws:PrincipalAccount}/*."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.archive_bucket.source_policy_documents[1]).Statement :
      s.Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/$${aws:PrincipalAccount}/*"
    ])
    error_message = "Every grant of the bucket policy (writes and aborts) must be fenced to the caller's own partition."
  }

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[1] == templatefile("../../policies/archive-bucket-policy.json.tpl", {
      archive_bucket_arn    = "arn:aws:s3:::acme-log-archive"
      archive_prefix        = "prod/s3-access"
      writer_account_arns   = ["arn:aws:iam::111111111111:root", "arn:aws:iam::444444444444:root"]
      writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper", "arn:aws:iam::444444444444:role/payments-*"]
    })
    error_message = "The writers' document must be archive-bucket-policy.json.tpl rendered once with every direct account, as the emulator tests render it."
  }

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[0] == templatefile("../../policies/tls-only.json.tpl", {
      tls_only_service_prefix = "s3"
      tls_only_resource_arns  = ["arn:aws:s3:::acme-log-archive", "arn:aws:s3:::acme-log-archive/*"]
    })
    error_message = "The TLS statement must be tls-only.json.tpl itself, merged first, as the emulator tests merge it."
  }

  assert {
    condition = !strcontains(join("\n", concat(
      slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2),
      data.aws_iam_policy_document.archive_key[0].source_policy_documents,
    )), "ListBucketMultipartUploads")
    error_message = "No tenant may list the bucket's multipart uploads (it would see the other accounts' uploads in flight)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s
      if s.Sid == "WritersEncryptArchiveObjectsViaS3"
      ]).Principal.AWS == ["arn:aws:iam::111111111111:root", "arn:aws:iam::444444444444:root"] && one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s
      if s.Sid == "WritersEncryptArchiveObjectsViaS3"
    ]).Condition.ArnLike["aws:PrincipalArn"] == ["arn:aws:iam::111111111111:role/logferry-shipper", "arn:aws:iam::444444444444:role/payments-*"]
    error_message = "The key policy must let the direct accounts' writers encrypt: their roots, matched on their patterns."
  }

  assert {
    condition     = length(aws_iam_role.writer) == 0 && output.writer_role_arns == {}
    error_message = "Direct accounts get no writer role."
  }

  assert {
    condition = jsonencode(output.source_account_settings) == jsonencode({
      "111111111111" = {
        mode                = "direct"
        archive_bucket_name = "acme-log-archive"
        archive_prefix      = "prod/s3-access"
        archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
        writer_role_arn     = null
        external_id         = null
      }
      "444444444444" = {
        mode                = "direct"
        archive_bucket_name = "acme-log-archive"
        archive_prefix      = "prod/s3-access"
        archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
        writer_role_arn     = null
        external_id         = null
      }
    })
    error_message = "source_account_settings must carry, per direct account, the bucket, prefix and key ARN, and no writer role or external id."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.require_archive_key) == 1 && aws_kms_alias.archive[0].name == "alias/acme-log-archive"
    error_message = "kms_enabled (default) must enforce the archive key, aliased alias/<bucket name>."
  }
}

run "one_writer_role_per_assume_role_account" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct" }
      "444444444444" = { mode = "assume-role", external_id = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05" }
      "555555555555" = { mode = "assume-role", external_id = "ext-555", writer_principal_arns = ["arn:aws:iam::555555555555:role/batch-writer"] }
    }
  }

  assert {
    condition     = jsonencode(keys(aws_iam_role.writer)) == jsonencode(["444444444444", "555555555555"]) && aws_iam_role.writer["444444444444"].name == "logferry-archive-writer-444444444444" && aws_iam_role.writer["555555555555"].name == "logferry-archive-writer-555555555555"
    error_message = "Each assume-role account (and only those) needs its own writer role, <writer_role_name_prefix>-<account id>."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.writer_trust["444444444444"].source_policy_documents[0]).Statement == [{
      Sid       = "AssumeFromOneSourceAccountsShipperWithExternalId"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::444444444444:root"] }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05" }
        ArnLike      = { "aws:PrincipalArn" = ["arn:aws:iam::444444444444:role/logferry-shipper"] }
      }
    }]
    error_message = "444444444444's writer role must trust that account only, its shipper role (default pattern) and its own external id."
  }

  assert {
    condition = (
      jsondecode(data.aws_iam_policy_document.writer_trust["555555555555"].source_policy_documents[0]).Statement[0].Condition.StringEquals["sts:ExternalId"] == "ext-555"
      && jsondecode(data.aws_iam_policy_document.writer_trust["555555555555"].source_policy_documents[0]).Statement[0].Condition.ArnLike["aws:PrincipalArn"] == ["arn:aws:iam::555555555555:role/batch-writer"]
      && jsondecode(data.aws_iam_policy_document.writer_trust["555555555555"].source_policy_documents[0]).Statement[0].Principal.AWS == ["arn:aws:iam::555555555555:root"]
    )
    error_message = "555555555555's writer role must trust its own patterns and external id, not 444444444444's."
  }

  assert {
    condition = (
      one([for s in jsondecode(data.aws_iam_policy_document.writer["444444444444"].source_policy_documents[0]).Statement : s if s.Effect == "Allow"]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/444444444444/*"
      && one([for s in jsondecode(data.aws_iam_policy_document.writer["555555555555"].source_policy_documents[0]).Statement : s if s.Effect == "Allow"]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/555555555555/*"
    )
    error_message = "Each writer role may write only its own account's partition."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.writer["444444444444"].source_policy_documents[1]).Statement[0].Condition.StringLike["kms:EncryptionContext:aws:s3:arn"] == ["arn:aws:s3:::acme-log-archive", "arn:aws:s3:::acme-log-archive/prod/s3-access/444444444444/*"]
    error_message = "A writer role's KMS grant must be narrowed to its own partition too."
  }

  assert {
    condition = !strcontains(join("\n", concat(
      slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2),
      data.aws_iam_policy_document.archive_key[0].source_policy_documents,
      flatten([for d in data.aws_iam_policy_document.writer : d.source_policy_documents]),
      flatten([for d in data.aws_iam_policy_document.writer_trust : d.source_policy_documents]),
    )), "ListBucketMultipartUploads")
    error_message = "No document may grant s3:ListBucketMultipartUploads."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s
      if s.Sid == "WritersEncryptArchiveObjectsViaS3"
      ]).Principal.AWS == ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"] && one([
      for s in jsondecode(data.aws_iam_policy_document.archive_key[0].source_policy_documents[0]).Statement : s
      if s.Sid == "WritersEncryptArchiveObjectsViaS3"
      ]).Condition.ArnLike["aws:PrincipalArn"] == [
      "arn:aws:iam::111111111111:role/logferry-shipper",
      "arn:aws:iam::222222222222:role/logferry-archive-writer-mock",
      "arn:aws:iam::222222222222:role/logferry-archive-writer-mock",
    ]
    error_message = "The key policy's writers must be the direct account's root and pattern plus this account's root with the writer roles' ARNs."
  }

  assert {
    condition = jsonencode(output.source_account_settings["444444444444"]) == jsonencode({
      mode                = "assume-role"
      archive_bucket_name = "acme-log-archive"
      archive_prefix      = "prod/s3-access"
      archive_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
      writer_role_arn     = "arn:aws:iam::222222222222:role/logferry-archive-writer-mock"
      external_id         = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    }) && output.source_account_settings["111111111111"].writer_role_arn == null
    error_message = "source_account_settings must give an assume-role account its writer role and external id, a direct one neither."
  }

  assert {
    condition     = jsonencode(keys(output.writer_role_arns)) == jsonencode(["444444444444", "555555555555"])
    error_message = "writer_role_arns lists the assume-role accounts only."
  }
}

run "no_bucket_policy_grant_without_direct_accounts" {
  command = plan

  variables {
    source_accounts = {
      "444444444444" = { mode = "assume-role", external_id = "ab" }
    }
  }

  assert {
    condition     = length(data.aws_iam_policy_document.archive_bucket.source_policy_documents) == 5 && !strcontains(join("\n", slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2)), "SourceAccountsWriteOwnPartition") && strcontains(data.aws_iam_policy_document.archive_bucket.source_policy_documents[1], "DenySseCWrites")
    error_message = "Without a direct account the bucket policy is TLS, the write guard, key enforcement, no-overwrite and the admin guard only."
  }
}

# --- What a write may ask for (item 4 of issue 18) -------------------------------------

run "kms_archive_denies_ssec_other_algorithms_keys_and_storage_classes" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct" }
      "444444444444" = { mode = "assume-role", external_id = "ab" }
    }
  }

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[2] == templatefile("../../policies/archive-bucket-write-guard.json.tpl", {
      archive_bucket_arn    = "arn:aws:s3:::acme-log-archive"
      archive_sse_algorithm = "aws:kms"
      archive_storage_class = "STANDARD"
    }) && length(data.aws_iam_policy_document.archive_bucket.source_policy_documents) == 6
    error_message = "The bucket policy must be TLS, the writers, archive-bucket-write-guard.json.tpl (aws:kms, STANDARD), the key denies, no-overwrite, then the admin guard."
  }

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.archive_bucket.source_policy_documents[2]).Statement : {
        Sid = s.Sid, Effect = s.Effect, Principal = s.Principal, Action = s.Action, Resource = s.Resource, Condition = s.Condition
      }
      ] == [
      {
        Sid       = "DenySseCWrites", Effect = "Deny", Principal = "*", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-log-archive/*"
        Condition = { Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" } }
      },
      {
        Sid = "DenyOtherEncryptionAlgorithms", Effect = "Deny", Principal = "*", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-log-archive/*"
        Condition = {
          Null            = { "s3:x-amz-server-side-encryption" = "false" }
          StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
        }
      },
      {
        Sid = "DenyOtherStorageClasses", Effect = "Deny", Principal = "*", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-log-archive/*"
        Condition = {
          Null            = { "s3:x-amz-storage-class" = "false" }
          StringNotEquals = { "s3:x-amz-storage-class" = "STANDARD" }
        }
      },
    ]
    error_message = "Every principal must be denied SSE-C, any SSE algorithm but aws:kms and any storage class but STANDARD, each only when the request names one."
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.require_archive_key[0].statement : {
        sid        = s.sid
        effect     = s.effect
        actions    = sort(s.actions)
        resources  = sort(s.resources)
        principals = [for p in s.principals : { type = p.type, identifiers = sort(p.identifiers) }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([
      {
        sid        = "DenyOtherKmsKeys"
        effect     = "Deny"
        actions    = ["s3:PutObject"]
        resources  = ["arn:aws:s3:::acme-log-archive/*"]
        principals = [{ type = "*", identifiers = ["*"] }]
        conditions = {
          "Null s3:x-amz-server-side-encryption-aws-kms-key-id"            = ["false"]
          "StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id" = ["arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"]
        }
      },
      {
        sid        = "DenyKmsWithoutArchiveKey"
        effect     = "Deny"
        actions    = ["s3:PutObject"]
        resources  = ["arn:aws:s3:::acme-log-archive/*"]
        principals = [{ type = "*", identifiers = ["*"] }]
        conditions = {
          "Null s3:x-amz-server-side-encryption"                = ["false"]
          "Null s3:x-amz-server-side-encryption-aws-kms-key-id" = ["true"]
        }
      },
    ])
    error_message = "With KMS, a named key must be the archive key's ARN, and aws:kms without a key (S3 would use aws/s3) is denied."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.forbid_kms_keys) == 0
    error_message = "A KMS archive must not deny its own key."
  }

  assert {
    condition = alltrue(flatten([
      for d in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : [
        for s in jsondecode(d).Statement : s.Effect == "Allow" || s.Sid == "DenyInsecureTransport"
      ]
    ]))
    error_message = "The guard must come after the TLS and writers' documents, which the emulator tests merge first and in that order."
  }
}

run "sse_s3_archive_denies_ssec_kms_and_storage_classes" {
  command = plan

  variables {
    kms_enabled = false
  }

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[2] == templatefile("../../policies/archive-bucket-write-guard.json.tpl", {
      archive_bucket_arn    = "arn:aws:s3:::acme-log-archive"
      archive_sse_algorithm = "AES256"
      archive_storage_class = "STANDARD"
    }) && length(data.aws_iam_policy_document.archive_bucket.source_policy_documents) == 6
    error_message = "With SSE-S3 the write guard must hold writers to AES256 (and still deny SSE-C and other storage classes)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.archive_bucket.source_policy_documents[2]).Statement :
      s.Condition if s.Sid == "DenyOtherEncryptionAlgorithms"
      ]) == {
      Null            = { "s3:x-amz-server-side-encryption" = "false" }
      StringNotEquals = { "s3:x-amz-server-side-encryption" = "AES256" }
    }
    error_message = "With SSE-S3 an SSE header other than AES256 must be denied."
  }

  assert {
    condition = length(data.aws_iam_policy_document.require_archive_key) == 0 && jsonencode([
      for s in data.aws_iam_policy_document.forbid_kms_keys[0].statement : {
        sid        = s.sid
        effect     = s.effect
        actions    = sort(s.actions)
        resources  = sort(s.resources)
        principals = [for p in s.principals : { type = p.type, identifiers = sort(p.identifiers) }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([{
        sid        = "DenyKmsKeys"
        effect     = "Deny"
        actions    = ["s3:PutObject"]
        resources  = ["arn:aws:s3:::acme-log-archive/*"]
        principals = [{ type = "*", identifiers = ["*"] }]
        conditions = { "Null s3:x-amz-server-side-encryption-aws-kms-key-id" = ["false"] }
    }])
    error_message = "With SSE-S3 any KMS key id in a write must be denied."
  }
}

run "organization_id_guards_bucket_and_writer_trust" {
  command = plan

  variables {
    organization_id = "o-abcdefghij"
    source_accounts = {
      "111111111111" = { mode = "direct" }
      "444444444444" = { mode = "assume-role", external_id = "ab" }
    }
  }

  assert {
    condition     = length(data.aws_iam_policy_document.org_guard) == 1
    error_message = "organization_id must add the bucket's deny-outside-organization document."
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.writer_trust["444444444444"].statement).sid == "DenyAssumeFromOutsideOrganization"
      && one(data.aws_iam_policy_document.writer_trust["444444444444"].statement).effect == "Deny"
      && one(one(data.aws_iam_policy_document.writer_trust["444444444444"].statement).condition).variable == "aws:PrincipalOrgID"
      && jsonencode(one(one(data.aws_iam_policy_document.writer_trust["444444444444"].statement).condition).values) == jsonencode(["o-abcdefghij"])
    )
    error_message = "organization_id must deny sts:AssumeRole on each writer role to callers outside the organization."
  }
}

run "nothing_expires_by_default" {
  command = plan

  assert {
    condition     = length(one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r if r.id == "archive-retention"]).expiration) == 0
    error_message = "The archive must keep current objects forever unless expiration_days is set."
  }

  assert {
    condition     = length(one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r if r.id == "archive-retention"]).noncurrent_version_expiration) == 0
    error_message = "Nor may any replaced version expire unless noncurrent_version_expiration_days is set."
  }

  assert {
    condition     = one(one([for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r if r.id == "archive-retention"]).abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Incomplete multipart uploads must still be aborted (the backstop now that writers cannot list them)."
  }
}

run "partition_values_are_the_union_of_the_accounts" {
  command = plan

  variables {
    source_accounts = {
      "444444444444" = { mode = "direct", regions = ["us-east-1", "eu-west-1"], audited_bucket_names = ["acme-payments-data", "acme-shared"] }
      "111111111111" = { mode = "direct", audited_bucket_names = ["acme-prod-data", "acme-shared"] }
    }
  }

  assert {
    condition = jsonencode(output.partition_values) == jsonencode({
      account_ids          = ["111111111111", "444444444444"]
      regions              = ["eu-west-1", "us-east-1"]
      audited_bucket_names = ["acme-payments-data", "acme-prod-data", "acme-shared"]
    })
    error_message = "partition_values must be the sorted, deduplicated union (null regions: the archive's region)."
  }
}

# --- Validations of source_accounts ---------------------------------------------------

run "no_source_account_is_rejected" {
  command = plan

  variables {
    source_accounts = {}
  }

  expect_failures = [var.source_accounts]
}

run "account_id_of_11_digits_is_rejected" {
  command = plan

  variables {
    source_accounts = { "11111111111" = { mode = "direct" } }
  }

  expect_failures = [var.source_accounts]
}

run "unknown_mode_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume_role", external_id = "ab" } }
  }

  expect_failures = [var.source_accounts]
}

run "assume_role_without_external_id_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role" } }
  }

  expect_failures = [var.source_accounts]
}

run "external_id_of_2_characters_is_accepted" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role", external_id = "ab" } }
  }
}

run "external_id_of_1224_characters_is_accepted" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role", external_id = format("%01224d", 0) } }
  }
}

run "external_id_of_1_character_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role", external_id = "a" } }
  }

  expect_failures = [var.source_accounts]
}

run "external_id_of_1225_characters_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role", external_id = format("%01225d", 0) } }
  }

  expect_failures = [var.source_accounts]
}

run "external_id_with_bad_characters_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "assume-role", external_id = "semi;colon" } }
  }

  expect_failures = [var.source_accounts]
}

run "external_id_on_a_direct_account_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "direct", external_id = "ab" } }
  }

  expect_failures = [var.source_accounts]
}

run "writer_principal_in_another_account_is_rejected" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct", writer_principal_arns = ["arn:aws:iam::444444444444:role/logferry-shipper"] }
    }
  }

  expect_failures = [var.source_accounts]
}

run "writer_principal_that_is_not_a_role_is_rejected" {
  command = plan

  variables {
    source_accounts = {
      "111111111111" = { mode = "direct", writer_principal_arns = ["arn:aws:iam::111111111111:user/someone"] }
    }
  }

  expect_failures = [var.source_accounts]
}

run "empty_writer_principal_list_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "direct", writer_principal_arns = [] } }
  }

  expect_failures = [var.source_accounts]
}

run "bad_region_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "direct", regions = ["Ireland"] } }
  }

  expect_failures = [var.source_accounts]
}

run "bad_audited_bucket_name_is_rejected" {
  command = plan

  variables {
    source_accounts = { "111111111111" = { mode = "direct", audited_bucket_names = ["Acme_Data"] } }
  }

  expect_failures = [var.source_accounts]
}

run "writer_role_name_prefix_too_long_for_the_account_id_is_rejected" {
  command = plan

  variables {
    writer_role_name_prefix = format("%052d", 0)
  }

  expect_failures = [var.writer_role_name_prefix]
}

run "archive_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/../x"
  }

  expect_failures = [var.archive_prefix]
}

# --- Compactor and analysts in the key policy ---------------------------------------

run "key_policy_grants_the_compactor_with_kms_and_principals" {
  command = plan

  variables {
    compactor_principal_arns = ["arn:aws:iam::222222222222:role/logferry-compactor"]
    analyst_principal_arns   = ["arn:aws:iam::222222222222:role/logferry-archive-analyst"]
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.archive_key[0].source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "CompactorReadsArchiveWritesQueryCopiesViaS3"
      ]) == {
      Sid       = "CompactorReadsArchiveWritesQueryCopiesViaS3"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::222222222222:role/logferry-compactor"] }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" }
        StringLike = { "kms:EncryptionContext:aws:s3:arn" = [
          "arn:aws:s3:::acme-log-archive",
          "arn:aws:s3:::acme-log-archive/prod/s3-access/*",
          "arn:aws:s3:::acme-log-archive/logferry-query/*",
        ] }
      }
    }
    error_message = "The compactor must get Decrypt and GenerateDataKey through S3 in the bucket's region, for the bucket, the archive prefix and the (default) query prefix only."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.archive_key[0].source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "AnalystsDecryptArchiveObjectsViaS3"
      ]).Condition.StringLike["kms:EncryptionContext:aws:s3:arn"] == [
      "arn:aws:s3:::acme-log-archive",
      "arn:aws:s3:::acme-log-archive/prod/s3-access/*",
      "arn:aws:s3:::acme-log-archive/logferry-query/*",
    ]
    error_message = "Analysts must be able to decrypt the originals and the compacted copies."
  }

  assert {
    condition     = output.query_prefix == trimspace(file("../../layout/query-prefix.txt"))
    error_message = "A null query_prefix must be infra/layout/query-prefix.txt."
  }
}

run "custom_query_prefix_reaches_the_key_policy" {
  command = plan

  variables {
    compactor_principal_arns = ["arn:aws:iam::222222222222:role/logferry-compactor"]
    query_prefix             = "athena/compacted"
  }

  assert {
    condition = contains(one([
      for s in flatten([for doc in data.aws_iam_policy_document.archive_key[0].source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "CompactorReadsArchiveWritesQueryCopiesViaS3"
    ]).Condition.StringLike["kms:EncryptionContext:aws:s3:arn"], "arn:aws:s3:::acme-log-archive/athena/compacted/*")
    error_message = "The compactor's key grant must follow query_prefix."
  }
}

run "no_compactor_statement_without_principals" {
  command = plan


  assert {
    condition = !contains(
      flatten([for doc in data.aws_iam_policy_document.archive_key[0].source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "CompactorReadsArchiveWritesQueryCopiesViaS3",
    )
    error_message = "Without compactor_principal_arns the key policy must not mention a compactor."
  }
}

run "no_key_policy_for_the_compactor_without_kms" {
  command = plan

  variables {
    compactor_principal_arns = ["arn:aws:iam::222222222222:role/logferry-compactor"]
    kms_enabled              = false
  }

  assert {
    condition     = length(data.aws_iam_policy_document.archive_key) == 0 && length(aws_kms_key.archive) == 0
    error_message = "An SSE-S3 archive has no key and so no key policy to grant the compactor."
  }
}

run "compactor_principal_arns_must_be_role_arns" {
  command = plan

  variables {
    compactor_principal_arns = ["arn:aws:iam::222222222222:user/compactor"]
  }

  expect_failures = [var.compactor_principal_arns]
}

# --- Transition of compacted originals ------------------------------------------------

run "no_originals_transition_by_default" {
  command = plan


  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r.id] == ["archive-retention", "remove-expired-delete-markers", "replaced-query-copies"]
    error_message = "Without compacted_originals_transition the lifecycle has only the retention, delete-marker and replaced-query-copy rules."
  }
}

run "originals_transition_is_filtered_to_the_archive_prefix" {
  command = plan

  variables {
    compacted_originals_transition = { days = 60, storage_class = "GLACIER_IR" }
  }

  assert {
    condition = [
      for r in aws_s3_bucket_lifecycle_configuration.archive.rule : {
        prefix        = r.filter[0].prefix
        days          = one(r.transition).days
        storage_class = one(r.transition).storage_class
      } if r.id == "compacted-originals-transition"
      ] == [{
        prefix        = "prod/s3-access/"
        days          = 60
        storage_class = "GLACIER_IR"
    }]
    error_message = "The originals' transition must apply to <archive_prefix>/ only, with the given days and class."
  }
}

run "originals_transition_to_glacier_is_rejected" {
  command = plan

  variables {
    compacted_originals_transition = { days = 90, storage_class = "GLACIER" }
  }

  expect_failures = [var.compacted_originals_transition]
}

run "originals_transition_before_30_days_is_rejected" {
  command = plan

  variables {
    compacted_originals_transition = { days = 29, storage_class = "STANDARD_IA" }
  }

  expect_failures = [var.compacted_originals_transition]
}

run "query_prefix_inside_the_archive_prefix_is_rejected" {
  command = plan

  variables {
    query_prefix = "prod/s3-access/compacted"
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.archive]
}
