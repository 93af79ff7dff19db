{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "MoveMessagesOutOfDeadLetterQueue",
      "Effect": "Allow",
      "Action": [
        "sqs:StartMessageMoveTask",
        "sqs:ListMessageMoveTasks",
        "sqs:ListDeadLetterSourceQueues",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage"
      ],
      "Resource": "${dlq_arn}"
    },
    {
      "Sid": "RedriveIntoDestinationQueues",
      "Effect": "Allow",
      "Action": [
        "sqs:SendMessage",
        "sqs:GetQueueAttributes"
      ],
      "Resource": ${jsonencode(redrive_destination_arns)}
    }
  ]
}
