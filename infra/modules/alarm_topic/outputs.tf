output "topic_arn" {
  description = "The topic created here (encrypted with its own key; subscribe to it), or null when sns_topic_arns was given."
  value       = one(aws_sns_topic.alarms[*].arn)
}

output "topic_arns" {
  description = "What to notify: sns_topic_arns, or [topic_arn]."
  value       = local.topic_arns
}

output "kms_key_arn" {
  description = "The key encrypting the created topic, or null."
  value       = one(aws_kms_key.alarms[*].arn)
}

output "kms_key_policy" {
  description = "The created key's policy (alarm-topic-kms-key-policy.json.tpl as rendered), or null."
  value       = local.create ? local.key_policy : null
}

output "topic_policy" {
  description = "The created topic's policy (alarm-topic-policy.json.tpl as rendered), or null when the topic keeps its default policy."
  value       = one(aws_sns_topic_policy.alarms[*].policy)
}
