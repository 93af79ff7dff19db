{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConsumeShipperQueue",
      "Effect": "Allow",
      "Action": [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes"
      ],
      "Resource": "${queue_arn}"
    }
  ]
}
