# reconciler planned against a mocked AWS provider (account B): the role's
# trust names the given principals themselves; it may list the archive
# prefix and each source bucket's key prefix (s3:prefix), locate the source
# buckets and, only when asked, read inventory reports; A's bucket policy
# documents name the role; and the validations of every input.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/archive"
}

override_resource {
  target          = aws_iam_role.reconcile
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-reconcile", id = "logferry-reconcile", name = "logferry-reconcile" }
}

variables {
  trusted_principal_arns = [
    "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_LogferryAuditor_0123456789abcdef",
    "arn:aws:iam::333333333333:user/reconcile-ci",
  ]
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  source_log_buckets = [
    { bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "s3-access/" },
    { bucket_arn = "arn:aws:s3:::acme-payments-logs" },
  ]
}

run "role_is_trusted_by_the_named_principals_only" {
  command = plan

  assert {
    condition     = aws_iam_role.reconcile.name == "logferry-reconcile" && output.role_arn == "arn:aws:iam::222222222222:role/logferry-reconcile" && output.role_name == "logferry-reconcile"
    error_message = "The role is <name_prefix>-reconcile; its ARN and name are outputs."
  }

  assert {
    condition = jsondecode(aws_iam_role.reconcile.assume_role_policy).Statement == [{
      Sid    = "AssumeFromNamedPrincipals"
      Effect = "Allow"
      Principal = { AWS = [
        "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_LogferryAuditor_0123456789abcdef",
        "arn:aws:iam::333333333333:user/reconcile-ci",
      ] }
      Action = "sts:AssumeRole"
    }]
    error_message = "The trust names the given roles and users themselves, nothing else, no condition."
  }
}

run "archive_may_be_listed_under_the_archive_prefix_only" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.archive_list.policy).Statement == [{
      Sid       = "ListArchivePrefix"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = "arn:aws:s3:::acme-log-archive"
      Condition = { StringLike = { "s3:prefix" = ["prod/s3-access/", "prod/s3-access/*"] } }
    }]
    error_message = "The archive: s3:ListBucket with s3:prefix <archive_prefix>/ or <archive_prefix>/*, nothing else."
  }

  assert {
    condition     = aws_iam_role_policy.archive_list.name == "logferry-reconcile-archive" && aws_iam_role_policy.archive_list.role == "logferry-reconcile"
    error_message = "The archive policy is <role>-archive, on the reconcile role."
  }
}

run "each_source_bucket_may_be_listed_under_its_own_key_prefix" {
  command = plan

  assert {
    condition     = toset(keys(aws_iam_role_policy.source_list)) == toset(["arn:aws:s3:::acme-prod-access-logs", "arn:aws:s3:::acme-payments-logs"])
    error_message = "One list policy per source bucket."
  }

  assert {
    condition     = aws_iam_role_policy.source_list["arn:aws:s3:::acme-prod-access-logs"].name == "logferry-reconcile-list-acme-prod-access-logs"
    error_message = "A source bucket's policy is <role>-list-<bucket>."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.source_list["arn:aws:s3:::acme-prod-access-logs"].policy).Statement == [
      {
        Sid       = "ListSourceLogPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = "arn:aws:s3:::acme-prod-access-logs"
        Condition = { StringLike = { "s3:prefix" = "s3-access/*" } }
      },
      {
        Sid      = "LocateSourceLogBucket"
        Effect   = "Allow"
        Action   = "s3:GetBucketLocation"
        Resource = "arn:aws:s3:::acme-prod-access-logs"
      },
    ]
    error_message = "A source bucket: s3:ListBucket under its own key_prefix and s3:GetBucketLocation, on that bucket only."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.source_list["arn:aws:s3:::acme-payments-logs"].policy).Statement[0].Condition == { StringLike = { "s3:prefix" = "*" } }
    error_message = "key_prefix \"\" (the default) lists the whole bucket."
  }
}

run "no_inventory_read_without_inventory_arns" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.inventory_read) == 0 && length(aws_iam_role_policy.etags) == 0 && !contains(keys(output.policy_json), "inventory") && !contains(keys(output.policy_json), "etags")
    error_message = "Without inventory_arns the role reads no object at all."
  }

  assert {
    condition = alltrue(flatten([
      for doc in values(output.policy_json) : [for st in jsondecode(doc).Statement : !contains(flatten([st.Action]), "s3:GetObject")]
    ]))
    error_message = "No policy of the role grants s3:GetObject without inventory_arns."
  }
}

run "inventory_reports_are_read_only_where_named" {
  command = plan

  variables {
    inventory_arns = ["arn:aws:s3:::acme-inventory/inventory/acme-prod-access-logs/*"]
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.inventory_read[0].policy).Statement == [{
      Sid      = "ReadInventoryReports"
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = ["arn:aws:s3:::acme-inventory/inventory/acme-prod-access-logs/*"]
    }]
    error_message = "Inventory: s3:GetObject on inventory_arns only."
  }
}

run "source_bucket_policy_json_grants_the_role_a_list_of_each_prefix" {
  command = plan

  assert {
    condition     = toset(keys(output.source_bucket_policy_json)) == toset(["arn:aws:s3:::acme-prod-access-logs", "arn:aws:s3:::acme-payments-logs"])
    error_message = "One document per source bucket, by bucket ARN."
  }

  assert {
    condition = jsondecode(output.source_bucket_policy_json["arn:aws:s3:::acme-prod-access-logs"]).Statement == [
      {
        Sid       = "LogferryReconcileListLogPrefix"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:role/logferry-reconcile"] }
        Action    = "s3:ListBucket"
        Resource  = "arn:aws:s3:::acme-prod-access-logs"
        Condition = { StringLike = { "s3:prefix" = "s3-access/*" } }
      },
      {
        Sid       = "LogferryReconcileLocateLogBucket"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:role/logferry-reconcile"] }
        Action    = "s3:GetBucketLocation"
        Resource  = "arn:aws:s3:::acme-prod-access-logs"
      },
    ]
    error_message = "A's bucket policy statements: the reconcile role may list the key prefix and locate the bucket."
  }
}

# --- Validation -------------------------------------------------------------------------------

run "trusted_principal_arns_reject_account_roots" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
  }

  expect_failures = [var.trusted_principal_arns]
}

run "trusted_principal_arns_reject_wildcards" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_LogferryAuditor_*"]
  }

  expect_failures = [var.trusted_principal_arns]
}

run "trusted_principal_arns_must_not_be_empty" {
  command = plan

  variables {
    trusted_principal_arns = []
  }

  expect_failures = [var.trusted_principal_arns]
}

run "source_log_buckets_must_not_be_empty" {
  command = plan

  variables {
    source_log_buckets = []
  }

  expect_failures = [var.source_log_buckets]
}

run "source_log_bucket_arn_rejects_object_arns" {
  command = plan

  variables {
    source_log_buckets = [{ bucket_arn = "arn:aws:s3:::acme-prod-access-logs/s3-access", key_prefix = "" }]
  }

  expect_failures = [var.source_log_buckets]
}

run "source_log_bucket_key_prefix_needs_a_trailing_slash" {
  command = plan

  variables {
    source_log_buckets = [{ bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "s3-access" }]
  }

  expect_failures = [var.source_log_buckets]
}

run "source_log_bucket_key_prefix_rejects_wildcards" {
  command = plan

  variables {
    source_log_buckets = [{ bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "*/" }]
  }

  expect_failures = [var.source_log_buckets]
}

run "source_log_buckets_name_each_bucket_once" {
  command = plan

  variables {
    source_log_buckets = [
      { bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "s3-access/" },
      { bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "alb/" },
    ]
  }

  expect_failures = [var.source_log_buckets]
}

run "inventory_arns_reject_bucket_arns" {
  command = plan

  variables {
    inventory_arns = ["arn:aws:s3:::acme-inventory"]
  }

  expect_failures = [var.inventory_arns]
}

run "archive_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/s3-access/"
  }

  expect_failures = [var.archive_prefix]
}

run "etags_head_the_archive_prefix_only_when_asked" {
  command = plan

  variables {
    compare_etags = true
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.etags[0].policy).Statement == [{
      Sid      = "HeadArchivedLogs"
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::acme-log-archive/prod/s3-access/*"
    }] && aws_iam_role_policy.etags[0].name == "logferry-reconcile-etags"
    error_message = "compare_etags grants s3:GetObject (HeadObject) on the archive prefix's objects and nothing else."
  }
}
