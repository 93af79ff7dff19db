# Account B: where analysts query S3 server access logs with Athena -- a
# query-results bucket, an enforced workgroup, a Glue database and an analyst
# role that can read one log bucket (log_key_prefix, plus any
# additional_log_key_prefixes) and the listed tables.
# Building block of athena_archive and athena_direct; not meant to be called
# on its own.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  policies = "${path.module}/../../policies"

  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  s3_via_service = "s3.${local.region}.${data.aws_partition.current.dns_suffix}"
  # The log location may be in another region (athena_direct).
  log_s3_via_service = "s3.${coalesce(var.log_bucket_region, local.region)}.${data.aws_partition.current.dns_suffix}"

  glue_catalog_arn  = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_database_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.database_name}"
  glue_table_arns   = [for t in var.table_names : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.database_name}/${t}"]

  # analyst-log-read.json.tpl once per readable prefix: [0] joins the merged
  # analyst policy, the rest get inline policies of their own (below).
  log_read_documents = [
    for prefix in concat([var.log_key_prefix], var.additional_log_key_prefixes) :
    templatefile("${local.policies}/analyst-log-read.json.tpl", {
      log_bucket_arn = var.log_bucket_arn
      log_key_prefix = prefix
    })
  ]

  # The accounts of the trusted roles and users, named as their roots.
  analyst_trusted_account_arns = distinct([
    for arn in var.analyst_trusted_principal_arns : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"
  ])

  create_results_key  = var.results_kms_key_arn == null
  results_kms_key_arn = local.create_results_key ? aws_kms_key.athena_results[0].arn : var.results_kms_key_arn
}

# --- Query results bucket -------------------------------------------------------

resource "aws_s3_bucket" "athena_results" {
  #checkov:skip=CKV_AWS_144:Query results are disposable and expire after days; replicating them has no value.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events for Athena query results.
  # Results are disposable: deleting the workspace should not need a manual purge.
  bucket        = var.results_bucket_name
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "athena_results" {
  bucket                  = aws_s3_bucket.athena_results.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.results_kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "athena_results" {
  count = var.access_log_bucket_name == null ? 0 : 1

  bucket        = aws_s3_bucket.athena_results.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${var.results_bucket_name}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    id     = "expire-query-results"
    status = "Enabled"

    filter {}

    expiration {
      days = var.results_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.athena_results]
}

resource "aws_s3_bucket_policy" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id
  policy = templatefile("${local.policies}/tls-only.json.tpl", {
    tls_only_service_prefix = "s3"
    tls_only_resource_arns  = [aws_s3_bucket.athena_results.arn, "${aws_s3_bucket.athena_results.arn}/*"]
  })

  depends_on = [aws_s3_bucket_public_access_block.athena_results]
}

# Key for query results, unless the caller brings one. Administered by the
# account; analysts use it through their identity policy (IAM delegation).
data "aws_iam_policy_document" "athena_results_key" {
  #checkov:skip=CKV_AWS_109:Key policy, not an identity policy: Resource "*" means this key, and the account root must administer it (AWS's default key policy).
  #checkov:skip=CKV_AWS_111:Key policy, not an identity policy: Resource "*" means this key; analysts get use of it only through their own identity policy.
  #checkov:skip=CKV_AWS_356:Key policy, not an identity policy: Resource "*" is the only valid value and means this key.
  count = local.create_results_key ? 1 : 0

  statement {
    sid       = "AccountAdministersAndDelegatesToIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "athena_results" {
  count = local.create_results_key ? 1 : 0

  description             = "logferry Athena query results in ${var.results_bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.athena_results_key[0].json
  tags                    = var.tags
}

# --- Workgroup and catalog -----------------------------------------------------------

resource "aws_athena_workgroup" "logs" {
  name          = var.workgroup_name
  description   = "Queries over S3 server access logs (logferry)"
  state         = "ENABLED"
  force_destroy = false
  tags          = var.tags

  configuration {
    # Clients cannot override the output location, encryption or cutoff.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${aws_s3_bucket.athena_results.bucket}/results/"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = local.results_kms_key_arn
      }
    }
  }
}

resource "aws_glue_catalog_database" "logs" {
  name        = var.database_name
  description = "S3 server access logs (logferry)"
}

# --- Analyst role ------------------------------------------------------------------------

# Trust: the named roles and users only, never a whole account. Principal is
# each one's account root with aws:PrincipalArn matched on the given
# patterns (as the writer trusts do): IAM refuses a trust policy naming a
# role that does not exist yet, and a pattern may cover many roles. Then the
# organization (aws:PrincipalOrgID) when given, else MFA: without MFA the
# caller's session must have been opened with MFA, which a role chained from
# another role without MFA, or an access key, never has.
data "aws_iam_policy_document" "analyst_trust" {
  statement {
    sid     = "AssumeFromNamedAnalysts"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = local.analyst_trusted_account_arns
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = var.analyst_trusted_principal_arns
    }

    condition {
      test     = var.analyst_organization_id == null ? "Bool" : "StringEquals"
      variable = var.analyst_organization_id == null ? "aws:MultiFactorAuthPresent" : "aws:PrincipalOrgID"
      values   = [coalesce(var.analyst_organization_id, "true")]
    }
  }
}

resource "aws_iam_role" "analyst" {
  name                 = var.analyst_role_name
  description          = "Read-only Athena access to the S3 server access logs in ${var.workgroup_name}"
  max_session_duration = 3600
  permissions_boundary = var.analyst_permissions_boundary_arn
  tags                 = var.tags

  assume_role_policy = data.aws_iam_policy_document.analyst_trust.json
}

data "aws_iam_policy_document" "analyst" {
  source_policy_documents = concat(
    [
      templatefile("${local.policies}/analyst-athena-query.json.tpl", {
        athena_workgroup_arn    = aws_athena_workgroup.logs.arn
        athena_data_catalog_arn = "arn:${local.partition}:athena:${local.region}:${local.account_id}:datacatalog/AwsDataCatalog"
      }),
      templatefile("${local.policies}/analyst-athena-results.json.tpl", {
        athena_results_bucket_arn  = aws_s3_bucket.athena_results.arn
        athena_results_kms_key_arn = local.results_kms_key_arn
        s3_via_service             = local.s3_via_service
      }),
      templatefile("${local.policies}/analyst-glue-read.json.tpl", {
        glue_resource_arns = concat([local.glue_catalog_arn, local.glue_database_arn], local.glue_table_arns)
      }),
      local.log_read_documents[0],
    ],
    length(var.log_kms_key_arns) == 0 ? [] : [
      templatefile("${local.policies}/analyst-kms-decrypt.json.tpl", {
        log_kms_key_arns = var.log_kms_key_arns
        s3_via_service   = local.log_s3_via_service
      })
    ],
  )
}

resource "aws_iam_role_policy" "analyst" {
  name   = "read-access-logs"
  role   = aws_iam_role.analyst.id
  policy = data.aws_iam_policy_document.analyst.json
}

# Further prefixes of the same bucket (athena_archive: the compactor's query
# copies). Each is analyst-log-read.json.tpl rendered as is, in an inline
# policy of its own, as the emulator tests attach it: a second rendering in
# the merged document above would repeat its Sids, which
# source_policy_documents refuses.
resource "aws_iam_role_policy" "analyst_additional_log_read" {
  for_each = { for i, doc in slice(local.log_read_documents, 1, length(local.log_read_documents)) : tostring(i + 1) => doc }

  name   = "read-access-logs-${each.key}"
  role   = aws_iam_role.analyst.id
  policy = each.value
}
