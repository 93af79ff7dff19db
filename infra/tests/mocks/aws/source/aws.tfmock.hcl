# Mock defaults for the AWS provider in the source account (111111111111), for
# the tests of log_source and writer_principal and the examples' "source"
# alias:
#
#   mock_provider "aws" {
#     override_during = plan # where the test needs the values during plan
#     source          = "../../tests/mocks/aws/source"
#   }
#
# source is relative to the root under test (infra/modules/<name> or
# infra/examples/<name>). A mock_data or mock_resource block in the test file
# itself takes precedence over the one here, and override_* blocks there
# target single resources.

mock_data "aws_caller_identity" {
  defaults = { account_id = "111111111111" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}

mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}

# The provider validates policies as JSON even when mocked, and computes the
# merged JSON, which the mock cannot: tests assert on the inputs (the rendered
# templates in source_policy_documents) instead.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

# ARNs that feed the rendered templates (resources without a mock_resource
# block keep unknown computed values during plan): log_source's shipper, its
# queue, log group and source key.
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::111111111111:role/logferry-shipper" }
}

mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper" }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/logferry-shipper" }
}

mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }
}

# log_source's alarm topic: alarm_actions must be ARNs even in a plan.
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms" }
}
