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

  # The role's trust (data.aws_iam_policy_document.trust): the services that
  # say which account a workload belongs to, and the others.
  source_account_services = ["ecs-tasks.amazonaws.com"]
  trusted_for_this_account = sort(distinct([
    for p in var.service_principals : p if contains(local.source_account_services, p)
  ]))
  trusted_unconditioned = sort(distinct([
    for p in var.service_principals : p if !contains(local.source_account_services, p)
  ]))

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

# Who may assume the role: only the workload services service_principals
# names (its validation allows ecs-tasks, lambda and glue), and, where the
# service says which account the workload belongs to, only workloads of this
# account (aws:SourceAccount; a role can be passed only within its own
# account, iam:PassRole, so this is the second fence, against a service acting
# for another account):
#   - ecs-tasks.amazonaws.com (ECS task roles, and AWS Batch job roles, which
#     are ECS task roles): "It is recommended that you use the
#     aws:SourceAccount or aws:SourceArn condition keys to scope the
#     permissions further to prevent the confused deputy security issue.
#     These condition keys can be specified in the trust relationship" (ECS
#     Developer Guide, task IAM role);
#   - lambda.amazonaws.com and glue.amazonaws.com: neither documents a
#     confused-deputy key for the role a function or a job runs as (Lambda's
#     guide names only the source function ARN it injects into the
#     function's own calls), and a condition the service does not send would
#     refuse every invocation or job run; they get a statement of their own
#     without one.
# Same-account service trust for this module only, so an
# aws_iam_policy_document (as log_compactor's scheduler trust) rather than a
# shared template.
data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = length(local.trusted_for_this_account) == 0 ? [] : [local.trusted_for_this_account]
    content {
      sid     = "AssumeFromWorkloadServicesOfThisAccount"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.source_account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.trusted_unconditioned) == 0 ? [] : [local.trusted_unconditioned]
    content {
      sid     = "AssumeFromPassedRoleServices"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_iam_role" "writer" {
  count = var.create_role ? 1 : 0

  name                 = var.role_name
  max_session_duration = var.max_session_duration_seconds
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = var.tags

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
