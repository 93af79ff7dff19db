# log_source's backfill role, planned against a mocked AWS provider: the
# role <name_prefix>-batch-operations exists only with batch_operations, is
# trusted by S3 Batch Operations of this account alone, may invoke the
# shipper, read the manifest prefix and write the report prefix, nothing
# else; and the validations of batch_operations.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

# The mocks give every role the shipper's ARN and the function none.
override_resource {
  target          = aws_lambda_function.shipper
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:logferry-shipper" }
}

override_resource {
  target          = aws_iam_role.batch_operations[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/logferry-batch-operations", id = "logferry-batch-operations" }
}

variables {
  source_account_id = "111111111111"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
  }
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

run "no_batch_operations_role_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role.batch_operations) == 0 && length(aws_iam_role_policy.batch_operations) == 0 && output.batch_operations_role_arn == null
    error_message = "Without batch_operations there is no batch operations role."
  }
}

run "batch_operations_role_is_trusted_by_s3_batch_operations_of_this_account_only" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch"
      manifest_prefix     = "backfill/manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-logferry-batch-reports"
      report_prefix       = "backfill/reports"
    }
  }

  assert {
    condition     = aws_iam_role.batch_operations[0].name == "logferry-batch-operations" && output.batch_operations_role_arn == "arn:aws:iam::111111111111:role/logferry-batch-operations"
    error_message = "The role is <name_prefix>-batch-operations and its ARN an output."
  }

  assert {
    condition = jsondecode(aws_iam_role.batch_operations[0].assume_role_policy).Statement == [{
      Sid       = "AssumeFromS3BatchOperations"
      Effect    = "Allow"
      Principal = { Service = "batchoperations.s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
    error_message = "Only batchoperations.s3.amazonaws.com may assume the role, with S3's documented trust (no condition)."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.batch_operations[0].policy).Statement == [
      {
        Sid      = "InvokeShipperFunction"
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = ["arn:aws:lambda:eu-west-1:111111111111:function:logferry-shipper", "arn:aws:lambda:eu-west-1:111111111111:function:logferry-shipper:*"]
      },
      {
        Sid      = "ReadJobManifests"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "arn:aws:s3:::acme-logferry-batch/backfill/manifests/*"
      },
      {
        Sid      = "WriteCompletionReports"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "arn:aws:s3:::acme-logferry-batch-reports/backfill/reports/job-*"
      },
      {
        Sid      = "LocateReportBucket"
        Effect   = "Allow"
        Action   = "s3:GetBucketLocation"
        Resource = "arn:aws:s3:::acme-logferry-batch-reports"
      },
    ]
    error_message = "Batch Operations: invoke the shipper (unqualified or qualified), read the manifest prefix, write reports under <report_prefix>/job-*, locate the report bucket; nothing else."
  }

  assert {
    condition     = aws_iam_role_policy.batch_operations[0].role == "logferry-batch-operations"
    error_message = "The policy belongs to the batch operations role."
  }
}

run "batch_operations_role_follows_name_prefix" {
  command = plan

  variables {
    name_prefix = "acme-logs"
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch"
      manifest_prefix     = "manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-logferry-batch"
      report_prefix       = "reports"
    }
  }

  assert {
    condition     = aws_iam_role.batch_operations[0].name == "acme-logs-batch-operations" && aws_iam_role_policy.batch_operations[0].name == "acme-logs-batch-operations"
    error_message = "Role and policy are <name_prefix>-batch-operations."
  }
}

# --- Validation -------------------------------------------------------------------------------

run "batch_operations_rejects_an_object_arn_as_manifest_bucket" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch/manifests"
      manifest_prefix     = "manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-logferry-batch"
      report_prefix       = "reports"
    }
  }

  expect_failures = [var.batch_operations]
}

run "batch_operations_rejects_a_bucket_name_as_report_bucket" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch"
      manifest_prefix     = "manifests"
      report_bucket_arn   = "acme-logferry-batch"
      report_prefix       = "reports"
    }
  }

  expect_failures = [var.batch_operations]
}

run "batch_operations_rejects_a_manifest_prefix_with_trailing_slash" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch"
      manifest_prefix     = "manifests/"
      report_bucket_arn   = "arn:aws:s3:::acme-logferry-batch"
      report_prefix       = "reports"
    }
  }

  expect_failures = [var.batch_operations]
}

run "batch_operations_rejects_a_wildcard_report_prefix" {
  command = plan

  variables {
    batch_operations = {
      manifest_bucket_arn = "arn:aws:s3:::acme-logferry-batch"
      manifest_prefix     = "manifests"
      report_bucket_arn   = "arn:aws:s3:::acme-logferry-batch"
      report_prefix       = "*"
    }
  }

  expect_failures = [var.batch_operations]
}
