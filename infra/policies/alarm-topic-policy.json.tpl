{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnerAccountManagesTopic",
      "Effect": "Allow",
      "Principal": {
        "AWS": "${account_root_arn}"
      },
      "Action": [
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:AddPermission",
        "sns:RemovePermission",
        "sns:DeleteTopic",
        "sns:Subscribe",
        "sns:ListSubscriptionsByTopic",
        "sns:Publish"
      ],
      "Resource": "${alarm_topic_arn}"
    },
    {
      "Sid": "EventRulesPublish",
      "Effect": "Allow",
      "Principal": {
        "Service": "events.amazonaws.com"
      },
      "Action": "sns:Publish",
      "Resource": "${alarm_topic_arn}",
      "Condition": {
        "ArnEquals": {
          "aws:SourceArn": ${jsonencode(event_rule_arns)}
        }
      }
    }
  ]
}
