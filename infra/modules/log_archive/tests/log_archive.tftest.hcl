# log_archive, planned against a mocked AWS provider: who the rendered bucket
# policy and writer role trust policy name in each mode, and the external_id
# validation.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-log-archive", id = "acme-log-archive" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/logferry-archive-writer", id = "logferry-archive-writer" }
  }
}

variables {
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
}

run "direct_mode_bucket_policy_names_the_shipper" {
  command = plan

  variables {
    mode                  = "direct"
    writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
  }

  assert {
    condition = one([
      for s in flatten([for doc in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : jsondecode(doc).Statement]) :
      s if s.Sid == "AllowShipperWriteWithOwnerFullControl"
    ]).Principal.AWS == ["arn:aws:iam::111111111111:role/logferry-shipper"]
    error_message = "The bucket policy must let exactly writer_principal_arns write."
  }

  assert {
    condition = one([
      for s in flatten([for doc in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : jsondecode(doc).Statement]) :
      s if s.Sid == "AllowShipperWriteWithOwnerFullControl"
    ]).Condition.StringEquals["s3:x-amz-acl"] == "bucket-owner-full-control"
    error_message = "Writes must require s3:x-amz-acl = bucket-owner-full-control."
  }

  assert {
    condition = one([
      for s in flatten([for doc in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : jsondecode(doc).Statement]) :
      s if s.Sid == "AllowShipperWriteWithOwnerFullControl"
    ]).Resource == "arn:aws:s3:::acme-log-archive/prod/s3-access/*"
    error_message = "Writes must be confined to the archive prefix."
  }

  assert {
    condition = one([
      for s in flatten([for doc in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : jsondecode(doc).Statement]) :
      s if s.Sid == "DenyInsecureTransport"
      ]) == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-log-archive", "arn:aws:s3:::acme-log-archive/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "The bucket policy must deny every non-TLS request (aws:SecureTransport = false) to the bucket and its objects."
  }

  assert {
    condition = data.aws_iam_policy_document.archive_bucket.source_policy_documents[0] == templatefile("../../policies/tls-only.json.tpl", {
      tls_only_service_prefix = "s3"
      tls_only_resource_arns  = ["arn:aws:s3:::acme-log-archive", "arn:aws:s3:::acme-log-archive/*"]
    })
    error_message = "The TLS statement must be tls-only.json.tpl itself, merged first, as the emulator tests merge it."
  }

  assert {
    condition     = length(aws_iam_role.writer) == 0 && output.writer_role_arn == null
    error_message = "Direct mode creates no writer role."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.require_archive_key) == 1 && aws_kms_alias.archive[0].name == "alias/acme-log-archive"
    error_message = "kms_enabled (default) must enforce the archive key, aliased alias/<bucket name>."
  }
}

run "assume_role_mode_trusts_the_shipper_with_external_id" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }

  assert {
    condition     = jsondecode(aws_iam_role.writer[0].assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::111111111111:role/logferry-shipper"]
    error_message = "The writer role must trust exactly shipper_principal_arns."
  }

  assert {
    condition     = jsondecode(aws_iam_role.writer[0].assume_role_policy).Statement[0].Condition.StringEquals["sts:ExternalId"] == "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    error_message = "The writer role trust must require sts:ExternalId."
  }

  assert {
    condition = one([
      for s in flatten([for doc in slice(data.aws_iam_policy_document.archive_bucket.source_policy_documents, 0, 2) : jsondecode(doc).Statement]) :
      s if s.Sid == "AllowShipperWriteWithOwnerFullControl"
    ]).Principal.AWS == ["arn:aws:iam::222222222222:role/logferry-archive-writer"]
    error_message = "In assume-role mode the bucket policy must name the writer role, not the shipper."
  }
}

run "direct_mode_needs_writer_principals" {
  command = plan

  variables {
    mode = "direct"
  }

  expect_failures = [aws_s3_bucket.archive]
}

run "external_id_of_2_characters_is_accepted" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = "ab"
  }
}

run "external_id_of_1224_characters_is_accepted" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = format("%01224d", 0)
  }
}

run "external_id_of_1_character_is_rejected" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = "a"
  }

  expect_failures = [var.external_id]
}

run "external_id_of_1225_characters_is_rejected" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = format("%01225d", 0)
  }

  expect_failures = [var.external_id]
}

run "external_id_with_bad_characters_is_rejected" {
  command = plan

  variables {
    mode                   = "assume-role"
    shipper_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    external_id            = "semi;colon"
  }

  expect_failures = [var.external_id]
}

run "writer_principal_arns_must_be_role_arns" {
  command = plan

  variables {
    writer_principal_arns = ["arn:aws:iam::111111111111:user/someone"]
  }

  expect_failures = [var.writer_principal_arns]
}

run "archive_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    archive_prefix        = "prod/../x"
  }

  expect_failures = [var.archive_prefix]
}

# --- Compactor and analysts in the key policy ---------------------------------------

run "key_policy_grants_the_compactor_with_kms_and_principals" {
  command = plan

  variables {
    writer_principal_arns    = ["arn:aws:iam::111111111111:role/logferry-shipper"]
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
    writer_principal_arns    = ["arn:aws:iam::111111111111:role/logferry-shipper"]
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

  variables {
    writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
  }

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
    writer_principal_arns    = ["arn:aws:iam::111111111111:role/logferry-shipper"]
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
    writer_principal_arns    = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    compactor_principal_arns = ["arn:aws:iam::222222222222:user/compactor"]
  }

  expect_failures = [var.compactor_principal_arns]
}

# --- Transition of compacted originals ------------------------------------------------

run "no_originals_transition_by_default" {
  command = plan

  variables {
    writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.archive.rule : r.id] == ["archive-retention", "remove-expired-delete-markers"]
    error_message = "Without compacted_originals_transition the lifecycle has only the retention and delete-marker rules."
  }
}

run "originals_transition_is_filtered_to_the_archive_prefix" {
  command = plan

  variables {
    writer_principal_arns          = ["arn:aws:iam::111111111111:role/logferry-shipper"]
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
    writer_principal_arns          = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    compacted_originals_transition = { days = 90, storage_class = "GLACIER" }
  }

  expect_failures = [var.compacted_originals_transition]
}

run "originals_transition_before_30_days_is_rejected" {
  command = plan

  variables {
    writer_principal_arns          = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    compacted_originals_transition = { days = 29, storage_class = "STANDARD_IA" }
  }

  expect_failures = [var.compacted_originals_transition]
}

run "query_prefix_inside_the_archive_prefix_is_rejected" {
  command = plan

  variables {
    writer_principal_arns = ["arn:aws:iam::111111111111:role/logferry-shipper"]
    query_prefix          = "prod/s3-access/compacted"
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.archive]
}
