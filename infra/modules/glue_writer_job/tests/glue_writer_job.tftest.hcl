# glue_writer_job, planned against a mocked AWS provider: a Python 3.9 shell
# job running the script from S3 with the wheel through --extra-py-files, the
# logferry settings as --logferry-<keyword> arguments, no retries, the role's
# artifact and log permissions, and the validations and preconditions.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

variables {
  source_account_id   = "111111111111"
  role_arn            = "arn:aws:iam::111111111111:role/logferry-glue-writer"
  script_s3_uri       = "s3://acme-logferry-artifacts/glue/ship_job.py"
  wheel_s3_uri        = "s3://acme-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
}

run "python_shell_39_job_runs_the_script_as_the_writer_role" {
  command = plan

  assert {
    condition = (
      one(aws_glue_job.ship.command).name == "pythonshell"
      && one(aws_glue_job.ship.command).python_version == "3.9"
      && one(aws_glue_job.ship.command).script_location == "s3://acme-logferry-artifacts/glue/ship_job.py"
    )
    error_message = "The job must be a Python 3.9 shell job running script_s3_uri."
  }

  assert {
    condition = (
      aws_glue_job.ship.role_arn == "arn:aws:iam::111111111111:role/logferry-glue-writer"
      && aws_glue_job.ship.max_capacity == 0.0625
      && aws_glue_job.ship.max_retries == 0
      && aws_glue_job.ship.timeout == 60
      && aws_glue_job.ship.security_configuration == null
    )
    error_message = "Defaults: the writer role, 0.0625 DPU, no retries, 60 minutes, no security configuration."
  }

  assert {
    condition     = aws_glue_job.ship.default_arguments["--extra-py-files"] == "s3://acme-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
    error_message = "The wheel must be installed through --extra-py-files (Python shell jobs take no S3 URI in --additional-python-modules)."
  }

  assert {
    condition     = !contains(keys(aws_glue_job.ship.default_arguments), "--additional-python-modules")
    error_message = "No --additional-python-modules unless asked for."
  }
}

run "settings_are_logferry_keyword_arguments" {
  command = plan

  variables {
    concurrency = 16
    uris        = ["s3://acme-prod-access-logs/s3-access/2024-01-01-", "s3://acme-prod-access-logs/s3-access/2024/01/"]
  }

  assert {
    condition = { for k, v in aws_glue_job.ship.default_arguments : k => v if startswith(k, "--logferry-") } == {
      "--logferry-archive-bucket" = "acme-log-archive"
      "--logferry-archive-prefix" = "prod/s3-access"
      "--logferry-auth-mode"      = "direct"
      "--logferry-source-account" = "111111111111"
      "--logferry-concurrency"    = "16"
      "--logferry-uris"           = "s3://acme-prod-access-logs/s3-access/2024-01-01-,s3://acme-prod-access-logs/s3-access/2024/01/"
    }
    error_message = "Direct mode: exactly the archive, mode, account, concurrency and URI arguments, named --logferry-<keyword of logferry.ship()>."
  }
}

run "assume_role_mode_passes_role_and_external_id" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "logferry-3f9c2a7e-example"
  }

  assert {
    condition = (
      aws_glue_job.ship.default_arguments["--logferry-auth-mode"] == "assume-role"
      && aws_glue_job.ship.default_arguments["--logferry-role-arn"] == "arn:aws:iam::222222222222:role/logferry-archive-writer"
      && aws_glue_job.ship.default_arguments["--logferry-external-id"] == "logferry-3f9c2a7e-example"
    )
    error_message = "Assume-role mode must hand the job --logferry-role-arn and --logferry-external-id."
  }
}

run "assume_role_mode_needs_role_and_external_id" {
  command = plan

  variables {
    mode = "assume-role"
  }

  expect_failures = [aws_glue_job.ship]
}

run "role_reads_its_artifacts_and_writes_glue_logs" {
  command = plan

  assert {
    condition     = aws_iam_role_policy.job[0].role == "logferry-glue-writer"
    error_message = "The job policy must be attached to role_arn, by name."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.job.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "ReadJobArtifacts"
      ] == [[
        "arn:aws:s3:::acme-logferry-artifacts/glue/ship_job.py",
        "arn:aws:s3:::acme-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl",
    ]]
    error_message = "The role may read the script and the wheel, nothing else of the artifact bucket."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.job.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "WriteGlueJobLogs"
    ] == [["arn:aws:logs:eu-west-1:111111111111:log-group:/aws-glue/python-jobs/*"]]
    error_message = "The role may write Glue's Python shell log groups of its account and region only."
  }
}

run "options_reach_the_job" {
  command = plan

  variables {
    max_capacity              = 1
    timeout_minutes           = 240
    security_configuration    = "logferry-encrypted-logs"
    library_set               = "none"
    additional_python_modules = ["boto3==1.34.0", "urllib3<2"]
    attach_job_policy         = false
  }

  assert {
    condition = (
      aws_glue_job.ship.max_capacity == 1
      && aws_glue_job.ship.timeout == 240
      && aws_glue_job.ship.security_configuration == "logferry-encrypted-logs"
      && aws_glue_job.ship.default_arguments["library-set"] == "none"
      && aws_glue_job.ship.default_arguments["--additional-python-modules"] == "boto3==1.34.0,urllib3<2"
      && length(aws_iam_role_policy.job) == 0
    )
    error_message = "max_capacity, timeout_minutes, security_configuration, library_set, additional_python_modules and attach_job_policy must reach the job."
  }
}

run "max_capacity_other_than_python_shells_is_rejected" {
  command = plan

  variables {
    max_capacity = 2
  }

  expect_failures = [var.max_capacity]
}

run "wheel_must_be_a_whl_on_s3" {
  command = plan

  variables {
    wheel_s3_uri = "s3://acme-logferry-artifacts/wheels/logferry-0.1.0.tar.gz"
  }

  expect_failures = [var.wheel_s3_uri]
}

run "script_must_be_a_py_on_s3" {
  command = plan

  variables {
    script_s3_uri = "https://acme-logferry-artifacts.s3.amazonaws.com/glue/ship_job.py"
  }

  expect_failures = [var.script_s3_uri]
}

run "s3_uris_are_not_python_modules" {
  command = plan

  variables {
    additional_python_modules = ["s3://acme-logferry-artifacts/wheels/logferry.whl"]
  }

  expect_failures = [var.additional_python_modules]
}

run "role_of_another_account_is_rejected" {
  command = plan

  variables {
    role_arn = "arn:aws:iam::333333333333:role/logferry-glue-writer"
  }

  expect_failures = [aws_glue_job.ship]
}
