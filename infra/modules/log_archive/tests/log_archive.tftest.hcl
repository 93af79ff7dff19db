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
