# Mock defaults for the AWS provider in the archive account (222222222222), in
# eu-west-1, for the tests of log_archive, athena_workspace, athena_archive,
# athena_direct and s3_access_log_table and the examples' "archive" alias:
#
#   mock_provider "aws" {
#     override_during = plan # where the test needs the values during plan
#     source          = "../../tests/mocks/aws/archive"
#   }
#
# source is relative to the root under test (infra/modules/<name> or
# infra/examples/<name>). A mock_data or mock_resource block in the test file
# itself takes precedence over the one here (each test names its own buckets,
# roles and workgroups), and override_* blocks there target single resources.

mock_data "aws_caller_identity" {
  defaults = { account_id = "222222222222", arn = "arn:aws:sts::222222222222:assumed-role/terraform-deploy/ci" }
}

# examples/archive-account: who applies the root (its role, not its session).
mock_data "aws_iam_session_context" {
  defaults = { issuer_arn = "arn:aws:iam::222222222222:role/terraform-deploy" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}

mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}

# The provider validates policies as JSON even when mocked.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

# The archive key (log_archive) and the Athena results key (athena_workspace).
mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
    key_id = "6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
  }
}

# log_compactor's alarm topic: alarm_actions must be ARNs even in a plan.
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms" }
}

# log_archive's protection rules: alarm_topic validates the rule ARNs it is given.
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-protection" }
}
