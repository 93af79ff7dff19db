# writer_principal, planned against a mocked AWS provider: the same write
# permissions as the shipper in each mode, the optional extras, and the
# preconditions and validations.

mock_provider "aws" {
  source = "../../tests/mocks/aws/source"
}

variables {
  role_name           = "logferry-batch-writer"
  source_account_id   = "111111111111"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  source_object_arns  = ["arn:aws:s3:::acme-prod-data-access-logs/s3-access/*"]
}

run "direct_mode_writes_the_archive_prefix" {
  command = plan

  variables {
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
    source_bucket_arns   = ["arn:aws:s3:::acme-prod-data-access-logs"]
  }

  assert {
    condition = toset(flatten([for doc in data.aws_iam_policy_document.writer.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]])) == toset([
      "ReadSourceLogObjects", "WriteOwnPartitionWithOwnerFullControl", "ReadBackOwnPartition", "AbortOwnPartitionUploads", "ListSourceBuckets", "EncryptArchiveObjectsViaS3",
    ])
    error_message = "Direct mode: source read, archive write (+ read back, abort), listing and archive key use, nothing else."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.writer.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "WriteOwnPartitionWithOwnerFullControl"
    ] == ["arn:aws:s3:::acme-log-archive/prod/s3-access/111111111111/*"]
    error_message = "The writer may only write its own account's partition, <archive_prefix>/<source_account_id>/."
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.trust.statement : {
        sid        = s.sid
        actions    = sort(s.actions)
        principals = [for p in s.principals : { type = p.type, identifiers = sort(p.identifiers) }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([{
        sid        = "AssumeFromWorkloadServicesOfThisAccount"
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "Service", identifiers = ["ecs-tasks.amazonaws.com"] }]
        conditions = { "StringEquals aws:SourceAccount" = ["111111111111"] }
    }])
    error_message = "By default the role must trust ECS tasks of source_account_id only."
  }

  assert {
    condition     = length(aws_ssoadmin_permission_set.writer) == 0
    error_message = "No permission set unless asked for."
  }
}

run "trust_conditions_each_service_it_can" {
  command = plan

  variables {
    service_principals = ["lambda.amazonaws.com", "glue.amazonaws.com", "ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.trust.statement : {
        sid        = s.sid
        actions    = sort(s.actions)
        principals = [for p in s.principals : { type = p.type, identifiers = sort(p.identifiers) }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([
      {
        sid        = "AssumeFromWorkloadServicesOfThisAccount"
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "Service", identifiers = ["ecs-tasks.amazonaws.com"] }]
        conditions = { "StringEquals aws:SourceAccount" = ["111111111111"] }
      },
      {
        sid        = "AssumeFromPassedRoleServices"
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "Service", identifiers = ["glue.amazonaws.com", "lambda.amazonaws.com"] }]
        conditions = {}
      },
    ])
    error_message = "ECS tasks must be held to aws:SourceAccount = source_account_id; Lambda and Glue, which document no such key, get a statement of their own."
  }
}

run "glue_alone_gets_no_account_statement" {
  command = plan

  variables {
    service_principals = ["glue.amazonaws.com"]
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.trust.statement : s.sid] == ["AssumeFromPassedRoleServices"]
    error_message = "Without ECS there must be no statement for it (an empty Principal is invalid)."
  }
}

run "any_amazonaws_service_is_rejected" {
  command = plan

  variables {
    service_principals = ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]
  }

  expect_failures = [var.service_principals]
}

run "batch_service_principal_is_rejected" {
  command = plan

  variables {
    service_principals = ["batch.amazonaws.com"]
  }

  expect_failures = [var.service_principals]
}

run "empty_service_principals_are_rejected" {
  command = plan

  variables {
    service_principals = []
  }

  expect_failures = [var.service_principals]
}

run "assume_role_mode_only_assumes_the_writer" {
  command = plan

  variables {
    mode                 = "assume-role"
    writer_role_arn      = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    archive_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/*"]
  }

  assert {
    condition = toset(flatten([for doc in data.aws_iam_policy_document.writer.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]])) == toset([
      "ReadSourceLogObjects", "AssumeArchiveWriterRole",
    ])
    error_message = "Assume-role mode: source read and sts:AssumeRole on the writer role, no direct archive access."
  }
}

run "assume_role_mode_needs_writer_role_arn" {
  command = plan

  variables {
    mode = "assume-role"
  }

  expect_failures = [data.aws_iam_policy_document.writer]
}

# A permission set alone (the Identity Center instance of the module) must be
# held to the same inputs as the role: the old code checked writer_role_arn
# only on the role and put sts:AssumeRole on "unset" into the permission set.
run "permission_set_only_assume_role_needs_writer_role_arn" {
  command = plan

  variables {
    mode                  = "assume-role"
    create_role           = false
    create_permission_set = true
    sso_instance_arn      = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
  }

  expect_failures = [data.aws_iam_policy_document.writer]
}

run "permission_set_only_assume_role_assumes_the_writer" {
  command = plan

  variables {
    mode                  = "assume-role"
    writer_role_arn       = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    create_role           = false
    create_permission_set = true
    sso_instance_arn      = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.writer.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "AssumeArchiveWriterRole"
    ] == ["arn:aws:iam::222222222222:role/logferry-archive-writer"]
    error_message = "The permission set must assume exactly writer_role_arn."
  }

  assert {
    condition     = length(aws_iam_role.writer) == 0 && length(aws_ssoadmin_permission_set.writer) == 1
    error_message = "create_role = false: only the permission set."
  }
}

run "permission_set_needs_sso_instance_arn" {
  command = plan

  variables {
    create_permission_set = true
  }

  expect_failures = [aws_ssoadmin_permission_set.writer]
}

run "source_kms_key_arns_reject_aliases" {
  command = plan

  variables {
    source_kms_key_arns = ["arn:aws:kms:eu-west-1:111111111111:alias/logferry-source"]
  }

  expect_failures = [var.source_kms_key_arns]
}

run "archive_prefix_with_dotdot_is_rejected" {
  command = plan

  variables {
    archive_prefix = "prod/../other"
  }

  expect_failures = [var.archive_prefix]
}
