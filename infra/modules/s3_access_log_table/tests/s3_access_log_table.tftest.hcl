# s3_access_log_table, planned against a mocked AWS provider: the partition
# projection derived from infra/layout/archive-key-template.txt, the regex and
# columns read from their files, and the saved queries.

mock_provider "aws" {
  source = "../../tests/mocks/aws/archive"
}

variables {
  database_name       = "logferry_archive"
  workgroup_name      = "logferry-archive"
  location_prefix     = "s3://acme-log-archive/prod/s3-access/"
  source_account_ids  = ["111111111111"]
  source_regions      = ["eu-west-1"]
  source_bucket_names = ["acme-prod-data"]
}

run "location_template_follows_the_shared_key_template" {
  command = plan

  assert {
    condition     = aws_glue_catalog_table.access_logs.parameters["storage.location.template"] == "s3://acme-log-archive/prod/s3-access/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "storage.location.template must be <location_prefix>$${account}/$${region}/$${source_bucket}/$${dt}/ (derived from archive-key-template.txt); got ${aws_glue_catalog_table.access_logs.parameters["storage.location.template"]}."
  }

  assert {
    condition     = [for k in aws_glue_catalog_table.access_logs.partition_keys : k.name] == ["account", "region", "source_bucket", "dt"]
    error_message = "Partition keys must be account, region, source_bucket, dt, in template order."
  }

  assert {
    condition = (
      aws_glue_catalog_table.access_logs.parameters["projection.source_bucket.values"] == "acme-prod-data"
      && aws_glue_catalog_table.access_logs.parameters["projection.account.values"] == "111111111111"
      && aws_glue_catalog_table.access_logs.parameters["projection.dt.format"] == "yyyy/MM/dd"
    )
    error_message = "Projection values must come from the variables; dt is yyyy/MM/dd."
  }

  assert {
    condition     = length(aws_glue_catalog_table.access_logs.storage_descriptor[0].columns) == 27 && aws_glue_catalog_table.access_logs.storage_descriptor[0].ser_de_info[0].parameters["input.regex"] == trimspace(file("s3_access_log.regex"))
    error_message = "The table must carry the 27 columns and the regex from their files."
  }

  assert {
    condition     = length(aws_athena_named_query.audit) == 5
    error_message = "Five saved queries by default."
  }
}

run "direct_layout_with_empty_destination_prefix" {
  command = plan

  variables {
    location_prefix = "s3://acme-prod-data-access-logs/"
  }

  assert {
    condition     = aws_glue_catalog_table.access_logs.parameters["storage.location.template"] == "s3://acme-prod-data-access-logs/$${account}/$${region}/$${source_bucket}/$${dt}/"
    error_message = "With an empty DestinationPrefix the template starts right after the bucket."
  }
}

run "saved_queries_can_be_turned_off" {
  command = plan

  variables {
    saved_queries_enabled = false
  }

  assert {
    condition     = length(aws_athena_named_query.audit) == 0
    error_message = "saved_queries_enabled = false must create no named query."
  }
}

run "location_prefix_must_end_in_a_slash" {
  command = plan

  variables {
    location_prefix = "s3://acme-log-archive/prod/s3-access"
  }

  expect_failures = [var.location_prefix]
}

run "source_account_ids_must_be_account_ids" {
  command = plan

  variables {
    source_account_ids = ["1111"]
  }

  expect_failures = [var.source_account_ids]
}

run "enum_values_of_several_accounts_are_sorted_and_deduplicated" {
  command = plan

  variables {
    source_account_ids  = ["444444444444", "111111111111", "444444444444"]
    source_regions      = ["us-east-1", "eu-west-1", "eu-west-1"]
    source_bucket_names = ["acme-prod-data", "acme-payments-data", "acme-prod-data"]
  }

  assert {
    condition = (
      aws_glue_catalog_table.access_logs.parameters["projection.account.values"] == "111111111111,444444444444"
      && aws_glue_catalog_table.access_logs.parameters["projection.region.values"] == "eu-west-1,us-east-1"
      && aws_glue_catalog_table.access_logs.parameters["projection.source_bucket.values"] == "acme-payments-data,acme-prod-data"
      && aws_glue_catalog_table.access_logs.parameters["projection.account.type"] == "enum"
      && aws_glue_catalog_table.access_logs.parameters["projection.region.type"] == "enum"
      && aws_glue_catalog_table.access_logs.parameters["projection.source_bucket.type"] == "enum"
    )
    error_message = "account, region and source_bucket must stay enum projections over the sorted, deduplicated values of every account."
  }

  assert {
    condition     = alltrue([for q in aws_athena_named_query.audit : !strcontains(q.query, "account =") && !strcontains(q.query, "source_bucket =")])
    error_message = "The saved queries must not pin an account or audited bucket: they answer across every account in the table."
  }
}
