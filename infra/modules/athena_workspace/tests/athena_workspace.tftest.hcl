# athena_workspace, planned against a mocked AWS provider: the analyst role's
# trust and permissions, the results key decision and the enforced workgroup.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-athena-results", id = "acme-athena-results", bucket = "acme-athena-results" }
  }

  mock_resource "aws_athena_workgroup" {
    defaults = { arn = "arn:aws:athena:eu-west-1:222222222222:workgroup/logferry-archive" }
  }
}

variables {
  workgroup_name                 = "logferry-archive"
  database_name                  = "logferry_archive"
  table_names                    = ["s3_access_logs"]
  results_bucket_name            = "acme-athena-results"
  results_expiration_days        = 30
  bytes_scanned_cutoff_per_query = 10737418240
  analyst_role_name              = "logferry-archive-analyst"
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
  log_bucket_arn                 = "arn:aws:s3:::acme-log-archive"
  log_key_prefix                 = "prod/s3-access/"
}

run "analyst_reads_one_log_location" {
  command = plan

  variables {
    log_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"]
  }

  assert {
    condition = jsondecode(aws_s3_bucket_policy.athena_results.policy).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-athena-results", "arn:aws:s3:::acme-athena-results/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The results bucket policy must be tls-only.json.tpl for the bucket and its objects."
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.analyst_trust.statement : {
        actions    = s.actions
        principals = [for p in s.principals : { type = p.type, identifiers = p.identifiers }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([{
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "AWS", identifiers = ["arn:aws:iam::222222222222:root"] }]
        conditions = {
          "ArnLike aws:PrincipalArn"        = ["arn:aws:iam::222222222222:role/security-auditor"]
          "Bool aws:MultiFactorAuthPresent" = ["true"]
        }
    }])
    error_message = "Without an organization id the analyst role must trust the named role only (its account's root, matched on aws:PrincipalArn), with MFA."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.analyst.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "ReadLogObjects"
    ]) == "arn:aws:s3:::acme-log-archive/prod/s3-access/*"
    error_message = "The analyst may read log objects under log_key_prefix only."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.analyst.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "DecryptLogObjectsViaS3"
    ]).Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    error_message = "Log decryption must be limited to S3 in the log bucket's region."
  }

  assert {
    condition     = length(aws_kms_key.athena_results) == 1 && aws_athena_workgroup.logs.configuration[0].enforce_workgroup_configuration
    error_message = "Without results_kms_key_arn a results key is created, and the workgroup configuration is enforced."
  }
}

run "no_decrypt_without_log_keys_and_brought_results_key" {
  command = plan

  variables {
    results_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-4000-8000-000000000000"
  }

  assert {
    condition = !contains(
      flatten([for doc in data.aws_iam_policy_document.analyst.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]]),
      "DecryptLogObjectsViaS3",
    )
    error_message = "Without log_kms_key_arns the analyst gets no kms:Decrypt on log keys."
  }

  assert {
    condition     = length(aws_kms_key.athena_results) == 0 && output.results_kms_key_arn == "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-4000-8000-000000000000"
    error_message = "A given results_kms_key_arn must be used instead of creating a key."
  }
}

run "additional_log_key_prefixes_get_a_policy_each" {
  command = plan

  variables {
    additional_log_key_prefixes = ["logferry-query/"]
  }

  assert {
    condition     = keys(aws_iam_role_policy.analyst_additional_log_read) == ["1"] && aws_iam_role_policy.analyst_additional_log_read["1"].name == "read-access-logs-1"
    error_message = "One extra inline policy per additional prefix."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.analyst_additional_log_read["1"].policy).Statement : s.Sid => s.Resource
      } == {
      ListLogPrefix   = "arn:aws:s3:::acme-log-archive"
      LocateLogBucket = "arn:aws:s3:::acme-log-archive"
      ReadLogObjects  = "arn:aws:s3:::acme-log-archive/logferry-query/*"
    }
    error_message = "The extra policy must be analyst-log-read.json.tpl for the additional prefix, in the same bucket."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.analyst.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "ReadLogObjects"
    ]) == "arn:aws:s3:::acme-log-archive/prod/s3-access/*"
    error_message = "The main policy keeps reading log_key_prefix only."
  }
}

run "no_additional_log_policies_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.analyst_additional_log_read) == 0
    error_message = "Without additional_log_key_prefixes there is no extra policy."
  }
}

run "additional_log_key_prefixes_must_end_in_a_slash" {
  command = plan

  variables {
    additional_log_key_prefixes = ["logferry-query"]
  }

  expect_failures = [var.additional_log_key_prefixes]
}

run "log_key_prefix_must_end_in_a_slash" {
  command = plan

  variables {
    log_key_prefix = "prod/s3-access"
  }

  expect_failures = [var.log_key_prefix]
}

run "analyst_trusted_principal_arns_reject_non_iam_arns" {
  command = plan

  variables {
    analyst_trusted_principal_arns = ["arn:aws:sts::222222222222:assumed-role/x/y"]
  }

  expect_failures = [var.analyst_trusted_principal_arns]
}

run "analyst_trust_requires_the_organization_when_given" {
  command = plan

  variables {
    analyst_organization_id        = "o-abcdefghij"
    analyst_trusted_principal_arns = ["arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Auditor_*", "arn:aws:iam::222222222222:user/auditor"]
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.analyst_trust.statement : {
        principals = [for p in s.principals : sort(p.identifiers)]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([{
        principals = [["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"]]
        conditions = {
          "ArnLike aws:PrincipalArn"        = ["arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Auditor_*", "arn:aws:iam::222222222222:user/auditor"]
          "StringEquals aws:PrincipalOrgID" = ["o-abcdefghij"]
        }
    }])
    error_message = "With analyst_organization_id the trust must name each account's root once, match the patterns and require the organization (not MFA)."
  }
}

run "analyst_trust_rejects_an_account_root" {
  command = plan

  variables {
    analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
  }

  expect_failures = [var.analyst_trusted_principal_arns]
}
