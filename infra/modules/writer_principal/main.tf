# A role in account A for workloads other than the shipper Lambda (ECS tasks,
# Glue, Batch, another Lambda, the CLI) that copy log objects to the archive.
# It carries exactly the shipper's write permissions, built from the same
# templates, plus optional listing of the source buckets.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

# How the principal reaches the archive (the mode's write documents) is decided
# in one place, shared with log_source's shipper.
module "write_policy" {
  source = "../shipper_write_policy"

  mode                 = var.mode
  archive_bucket_arn   = local.archive_bucket_arn
  archive_prefix       = var.archive_prefix
  source_account_id    = var.source_account_id
  archive_kms_key_arns = var.archive_kms_key_arns
  writer_role_arn      = var.writer_role_arn
}

locals {
  policy_dir         = "${path.module}/../../policies"
  archive_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"

  policy_documents = concat(
    [
      templatefile("${local.policy_dir}/shipper-source-read.json.tpl", {
        source_object_arns = var.source_object_arns
      }),
    ],
    module.write_policy.policy_documents,
    length(var.source_bucket_arns) > 0 ? [
      templatefile("${local.policy_dir}/source-list.json.tpl", {
        source_bucket_arns = var.source_bucket_arns
      }),
    ] : [],
    length(var.source_kms_key_arns) > 0 ? [
      templatefile("${local.policy_dir}/kms-decrypt.json.tpl", {
        kms_key_arns = var.source_kms_key_arns
      }),
    ] : [],
  )
}

# Consumed by both the role and the permission set, so the check on the
# inputs sits here: it holds whichever of the two is created.
data "aws_iam_policy_document" "writer" {
  source_policy_documents = local.policy_documents

  lifecycle {
    precondition {
      condition     = length(module.write_policy.configuration_errors) == 0
      error_message = "writer_principal: ${join(" ", module.write_policy.configuration_errors)}"
    }
  }
}

resource "aws_iam_role" "writer" {
  count = var.create_role ? 1 : 0

  name                 = var.role_name
  max_session_duration = var.max_session_duration_seconds
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = templatefile("${local.policy_dir}/service-trust.json.tpl", {
    service_principals = var.service_principals
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.current.account_id == var.source_account_id
      error_message = "The aws provider given to writer_principal is not in source_account_id."
    }
  }
}

resource "aws_iam_role_policy" "writer" {
  count = var.create_role ? 1 : 0

  name   = "logferry-archive-writer"
  role   = aws_iam_role.writer[0].id
  policy = data.aws_iam_policy_document.writer.json
}

# ---------------------------------------------------------------------------
# Optional IAM Identity Center permission set with the same policy
# ---------------------------------------------------------------------------

resource "aws_ssoadmin_permission_set" "writer" {
  count = var.create_permission_set ? 1 : 0

  name             = var.permission_set_name
  description      = "logferry: read source log objects and write them to the archive"
  instance_arn     = var.sso_instance_arn
  session_duration = var.permission_set_session_duration
  tags             = var.tags

  lifecycle {
    precondition {
      condition     = var.sso_instance_arn != null
      error_message = "create_permission_set = true needs sso_instance_arn."
    }
  }
}

resource "aws_ssoadmin_permission_set_inline_policy" "writer" {
  count = var.create_permission_set ? 1 : 0

  instance_arn       = var.sso_instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.writer[0].arn
  inline_policy      = data.aws_iam_policy_document.writer.json
}
