# alarm_topic, planned against a mocked AWS provider: a topic and key of its
# own unless the caller gives topics, who may use the key, and the topic
# policy that EventBridge rules need.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms" }
  }
}

variables {
  name       = "logferry-archive-protection-alarms"
  account_id = "222222222222"
}

run "cloudwatch_publishes_to_an_encrypted_topic_with_its_default_policy" {
  command = plan

  assert {
    condition = (
      aws_sns_topic.alarms[0].kms_master_key_id == aws_kms_key.alarms[0].arn
      && aws_kms_key.alarms[0].enable_key_rotation
      && output.topic_arns == tolist(["arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms"])
      && length(aws_sns_topic_policy.alarms) == 0
    )
    error_message = "Without topics: one topic, encrypted with a rotating key of its own, and no topic policy (CloudWatch publishes under the default one)."
  }

  assert {
    condition = jsondecode(output.kms_key_policy).Statement == [
      {
        Sid       = "AccountAdministersKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:root" }
        Action    = jsondecode(output.kms_key_policy).Statement[0].Action
        Resource  = "*"
      },
      {
        Sid       = "AlarmPublishersUseKey"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com"] }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
      },
    ]
    error_message = "The account administers the key; only CloudWatch uses it."
  }
}

run "event_rules_get_the_key_and_a_topic_policy" {
  command = plan

  variables {
    publisher_services = ["events.amazonaws.com"]
    event_rule_arns    = ["arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-bucket-protection"]
  }

  assert {
    condition     = one([for s in jsondecode(output.kms_key_policy).Statement : s.Principal if s.Sid == "AlarmPublishersUseKey"]) == { Service = ["events.amazonaws.com"] }
    error_message = "EventBridge must be allowed to use the key, or its deliveries to the encrypted topic fail."
  }

  assert {
    condition = one([for s in jsondecode(aws_sns_topic_policy.alarms[0].policy).Statement : s if s.Sid == "EventRulesPublish"]) == {
      Sid       = "EventRulesPublish"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-west-1:222222222222:logferry-archive-protection-alarms"
      Condition = { ArnEquals = { "aws:SourceArn" = ["arn:aws:events:eu-west-1:222222222222:rule/logferry-archive-bucket-protection"] } }
    }
    error_message = "The topic policy must let EventBridge publish for the given rules only."
  }
}

run "given_topics_are_used_and_nothing_is_created" {
  command = plan

  variables {
    sns_topic_arns  = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]
    event_rule_arns = ["arn:aws:events:eu-west-1:222222222222:rule/x"]
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_kms_key.alarms) == 0 && length(aws_sns_topic_policy.alarms) == 0 && output.topic_arn == null && output.topic_arns == tolist(["arn:aws:sns:eu-west-1:222222222222:ops-alerts"])
    error_message = "With sns_topic_arns nothing is created and those topics are what to notify."
  }
}

run "unknown_publisher_is_rejected" {
  command = plan

  variables {
    publisher_services = ["sns.amazonaws.com"]
  }

  expect_failures = [var.publisher_services]
}
