# examples/archive-account with and without reconcile_trusted_principal_arns,
# planned against a mocked provider: the reconcile role exists only when
# someone may assume it, lists this root's archive prefix and the given
# source log buckets, and the documents for those buckets' policies name it.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"
}

override_resource {
  target          = module.reconciler[0].aws_iam_role.reconcile
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-reconcile", id = "logferry-reconcile", name = "logferry-reconcile" }
}

# terraform.tfvars.example
variables {
  region                      = "eu-west-1"
  archive_account_id          = "222222222222"
  profile                     = "acme-archive-admin"
  archive_bucket_name         = "acme-log-archive"
  archive_prefix              = "prod/s3-access"
  archive_results_bucket_name = "acme-log-archive-athena-results"
  source_accounts = {
    "111111111111" = { mode = "direct", audited_bucket_names = ["acme-prod-data"] }
  }
  analyst_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  compactor_zip_path = "main.tf"
}

run "no_reconcile_role_by_default" {
  command = plan

  assert {
    condition     = length(module.reconciler) == 0 && output.reconcile_role_arn == null && length(output.reconcile_log_bucket_policy_json) == 0
    error_message = "Without reconcile_trusted_principal_arns there is no reconcile role and nothing for the source buckets."
  }
}

run "reconcile_role_lists_the_archive_and_the_source_log_buckets" {
  command = plan

  variables {
    reconcile_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
    reconcile_source_log_buckets = [
      { bucket_arn = "arn:aws:s3:::acme-prod-access-logs", key_prefix = "s3-access/" },
    ]
  }

  assert {
    condition     = output.reconcile_role_arn == "arn:aws:iam::222222222222:role/logferry-reconcile" && module.reconciler[0].role_name == "logferry-reconcile"
    error_message = "The root hands out the reconciler's role, <name_prefix>-reconcile."
  }

  assert {
    condition     = jsondecode(module.reconciler[0].policy_json["archive"]).Statement[0].Condition == { StringLike = { "s3:prefix" = ["prod/s3-access/", "prod/s3-access/*"] } } && jsondecode(module.reconciler[0].policy_json["archive"]).Statement[0].Resource == "arn:aws:s3:::acme-log-archive"
    error_message = "The reconcile role lists this root's archive under archive_prefix only."
  }

  assert {
    condition     = keys(module.reconciler[0].policy_json) == ["archive", "list-acme-prod-access-logs"]
    error_message = "One list policy for the archive and one per source log bucket, no inventory read."
  }

  assert {
    condition     = keys(output.reconcile_log_bucket_policy_json) == tolist(["arn:aws:s3:::acme-prod-access-logs"])
    error_message = "Each source log bucket gets a document."
  }

  assert {
    condition     = jsondecode(output.reconcile_log_bucket_policy_json["arn:aws:s3:::acme-prod-access-logs"]).Statement[0].Principal == { AWS = ["arn:aws:iam::222222222222:role/logferry-reconcile"] }
    error_message = "The document names the reconcile role."
  }
}

run "reconcile_trusted_principal_arns_reject_account_roots" {
  command = plan

  variables {
    reconcile_trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
    reconcile_source_log_buckets     = [{ bucket_arn = "arn:aws:s3:::acme-prod-access-logs" }]
  }

  expect_failures = [var.reconcile_trusted_principal_arns]
}

run "reconcile_source_log_buckets_are_bucket_arns" {
  command = plan

  variables {
    reconcile_trusted_principal_arns = ["arn:aws:iam::222222222222:role/security-auditor"]
    reconcile_source_log_buckets     = [{ bucket_arn = "acme-prod-access-logs" }]
  }

  expect_failures = [var.reconcile_source_log_buckets]
}
