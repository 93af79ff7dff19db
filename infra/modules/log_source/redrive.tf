# The role `logferry redrive` runs as: it moves the DLQ's messages back to
# the queue with SQS StartMessageMoveTask, follows the task with
# ListMessageMoveTasks, checks that the queue it was given is this queue's
# DLQ with ListDeadLetterSourceQueues, counts with GetQueueAttributes and,
# for --dry-run, peeks with ReceiveMessage (VisibilityTimeout 0). Nothing
# else: it cannot send to the DLQ, purge, or touch any other queue.
#
# StartMessageMoveTask is authorized by more than its own action: "IAM
# action: sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage,
# sqs:SendMessage, sqs:StartMessageMoveTask", and ListMessageMoveTasks by
# "sqs:GetQueueAttributes, sqs:ListMessageMoveTasks" (Service Authorization
# Reference, Amazon SQS, "API operations defined by Amazon SQS"). Receiving
# and deleting apply to the source (the DLQ), sending to the destination:
# infra/policies/redrive.json.tpl grants each on its own queue. The queues
# use SSE-SQS, so no KMS permission is needed.

locals {
  create_redrive_role = length(var.redrive_principal_arns) > 0

  redrive_policy = templatefile("${local.policy_dir}/redrive.json.tpl", {
    dlq_arn = aws_sqs_queue.shipper_dlq.arn
    # Without --to, SQS moves each message back to the queue it came from,
    # which for this DLQ is only the shipper's queue (its redrive allow
    # policy names no other).
    redrive_destination_arns = [aws_sqs_queue.shipper.arn]
  })
}

# Trusted by the named roles themselves, not by their accounts' roots: who
# may redrive is decided here, not by whoever administers IAM there.
resource "aws_iam_role" "redrive" {
  count = local.create_redrive_role ? 1 : 0

  name        = "${var.name_prefix}-redrive"
  description = "logferry redrive: moves ${aws_sqs_queue.shipper_dlq.name} back to ${aws_sqs_queue.shipper.name}"
  assume_role_policy = templatefile("${local.policy_dir}/redrive-trust.json.tpl", {
    redrive_principal_arns = var.redrive_principal_arns
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "redrive" {
  count = local.create_redrive_role ? 1 : 0

  name   = "${var.name_prefix}-redrive"
  role   = aws_iam_role.redrive[0].id
  policy = local.redrive_policy
}
