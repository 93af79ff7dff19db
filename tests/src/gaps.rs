//! fakecloud 0.51.0's known gaps, by name. Each is worked around in this
//! harness only (never in product code or the policy files), and the README's
//! permission table marks which probes each one touches.

/// Several S3 operations are authorized under their operation names
/// (`s3:HeadObject`, `s3:ListObjectsV2`, `s3:CreateMultipartUpload`,
/// `s3:UploadPart`, `s3:CompleteMultipartUpload`, `s3:ListParts`,
/// `s3:ListMultipartUploads`) instead of
/// AWS's IAM actions. Workaround: [`crate::policy::ACTION_ALIASES`].
pub const OPERATION_NAMES: &str = "operation-names";

/// A principal naming a role ARN does not match that role's sessions.
/// Workaround: the shipper identity in account A is an IAM user, whose ARN
/// fills the same principal variables of the same templates. In the deployed
/// world, where the shipper is the role Terraform made, the writer role's
/// trust policy gets the session's ARN as one more principal, under the same
/// `sts:ExternalId` condition.
pub const ROLE_PRINCIPAL: &str = "role-principal";

/// `--iam strict` denies every cross-account AssumeRole whose trust policy has
/// an `sts:ExternalId` condition. Workaround: the strict instance gets the
/// trust policy without it; the external-id probes run on a `--iam soft`
/// instance, which enforces the unmodified trust policy inside STS.
pub const EXTERNAL_ID_IN_STRICT: &str = "external-id-in-strict";

/// `aws:SecureTransport` is true only when the request carries
/// `x-forwarded-proto: https`. Workaround: [`crate::ForwardedHttps`] on every
/// client except the plain-HTTP probe.
pub const SECURE_TRANSPORT_HEADER: &str = "secure-transport-header";

/// Glue and Athena calls are not IAM-checked at all (their services define
/// no IAM action mapping). Probes that AWS would deny are kept in the matrix,
/// expected as [`crate::probe::Outcome::DeniedOnAwsOnly`], and reported by
/// this name; when the emulator starts enforcing them the probe fails and
/// must be switched to `Denied`.
pub const UNENFORCED_SERVICES: &str = "unenforced-services";

/// When S3 uses another account's KMS key for SSE-KMS, fakecloud evaluates
/// the key policy with `kms:ViaService` and `kms:CallerAccount` but without
/// `kms:EncryptionContext:aws:s3:arn`. Workaround:
/// [`crate::policy::key_policy_for_emulator`] drops the encryption-context
/// conditions from the key policy; `kms:ViaService` is still enforced.
pub const KMS_ENCRYPTION_CONTEXT: &str = "kms-encryption-context";

/// fakecloud stores Lambda functions but cannot run them (its runtime needs
/// Docker), yet its own poller receives the messages of an enabled SQS
/// mapping (hiding them for the visibility timeout) and fails to invoke.
/// Workaround, in the deployed world only: the harness plays the Lambda
/// service. It disables the mapping, reads the function's configuration
/// back, adds one
/// trust statement to the function's role so A's admin can assume it (the
/// role trusts only `lambda.amazonaws.com`), and runs the real handler with
/// that role's session and the function's environment on the queue's
/// messages, deleting what the handler did not report failed, as the event
/// source mapping does.
pub const LAMBDA_RUNTIME: &str = "lambda-runtime";

/// Glue jobs are stored but never run (the environment's facts: "ECS and
/// Glue jobs (not run)").
/// Workaround, in the deployed world only: the harness plays Glue. It reads
/// the job back, adds one trust statement to the job's role so A's admin can
/// assume it (the role trusts only `glue.amazonaws.com`), and runs the job's
/// script with the logferry wheel installed, the job's default arguments
/// and that role's session, as a Python shell run would.
pub const GLUE_JOB_RUNS: &str = "glue-job-runs";

/// An event source mapping's `scaling_config` (maximum concurrency) is
/// accepted but not stored, so `terraform plan` right after `apply` wants to
/// set it again. The deployed world allows exactly that one attribute of
/// that one resource to differ.
pub const EVENT_SOURCE_SCALING_CONFIG: &str = "event-source-scaling-config";

/// `PutFunctionConcurrency` and `GetFunctionConcurrency` work, but
/// `GetFunction` leaves out `Concurrency`, so the provider reads no reserved
/// concurrency and `terraform plan` right after `apply` wants to set it
/// again. The deployed world allows exactly that attribute of the compactor
/// to differ, and checks the setting with `GetFunctionConcurrency` instead.
pub const FUNCTION_CONCURRENCY: &str = "function-concurrency";

/// What a `terraform plan` right after `apply` may want to change, because
/// of a gap above, and nothing else: a resource address's ending, the one
/// top-level attribute that differs, and the gap.
pub const PLAN_DRIFT: &[crate::terraform::Drift] = &[
    (
        "aws_lambda_event_source_mapping.shipper",
        "scaling_config",
        EVENT_SOURCE_SCALING_CONFIG,
    ),
    (
        "aws_lambda_function.compactor",
        "reserved_concurrent_executions",
        FUNCTION_CONCURRENCY,
    ),
];

/// With `--storage-mode persistent`, buckets, objects, queues and IAM users
/// survive a restart, but the strict-mode permissions of `create-admin`
/// admins do not (every call is then denied). The restart test in
/// `faults.rs` runs on a soft instance of its own.
pub const PERSISTENT_STRICT_ADMIN: &str = "persistent-strict-admin";

/// A message move task (`StartMessageMoveTask`) moves only the messages in
/// the emulator's pending list. A message that was received and whose
/// visibility timeout then expired (as `redrive --dry-run` leaves its
/// sample, received with a visibility timeout of 0) stays in its in-flight
/// list until another receive returns it, and the task skips it; on AWS it
/// is simply visible, and moved. Workaround: `tests/redrive.rs` redrives
/// before it dry-runs, never after.
pub const MOVE_TASK_SKIPS_RECEIVED: &str = "move-task-skips-received";

/// A `GetObject` of an SSE-KMS object takes the S3 state's read lock again
/// while holding it (`decrypt_object_body` → `bucket_region`); a write that
/// asks for the lock in between (`CreateMultipartUpload`, `PutObject`)
/// waits for the first read, the second read waits behind the write, and
/// the emulator stops answering altogether. Compacting several partitions
/// of a KMS-encrypted archive at once does exactly that. Workaround: the
/// deployed world applies the archive root with `compactor_concurrency = 1`
/// (the function's `LOGFERRY_COMPACT_CONCURRENCY`); partitions at once are
/// tested and measured on an archive without a key (`compaction.rs`,
/// `make bench`).
pub const KMS_READ_LOCK: &str = "kms-read-lock";

/// `s3:if-none-match` and `s3:ObjectCreationOperation` are never put in the
/// request context, so the no-overwrite guard
/// (`archive-bucket-no-overwrite.json.tpl`, a `Bool` and a `Null` on those
/// keys) never applies here: an unconditional write or a `CopyObject` into
/// the archive is allowed. The probes stay, expected denied on AWS only.
/// What S3 itself does with a conditional write on a taken key (412, the
/// archived object untouched) is proven (`tests/tests/evidence.rs`).
pub const CONDITIONAL_WRITE_KEYS: &str = "conditional-write-keys";

/// `DeleteObject` with a `versionId` is authorized as `s3:DeleteObject`,
/// never as `s3:DeleteObjectVersion`, so the admin guard's deny of
/// `s3:DeleteObjectVersion` cannot be seen here (aliasing it would deny the
/// compactor's delete markers too). What holds a version is proven instead:
/// Object Lock refuses the delete, and the guard's deny of
/// `s3:BypassGovernanceRetention` (which fakecloud does check) refuses the
/// bypass to everyone but break-glass (`tests/tests/evidence.rs`).
pub const DELETE_OBJECT_VERSION: &str = "delete-object-version";

/// `aws:CalledVia` is never set: no emulated service calls another on a
/// caller's behalf, and its Athena reads no S3. The analysts' S3 and KMS
/// grants hold only through Athena, so a direct `GetObject` is denied here
/// as on AWS (probed), while the grants' scope is probed with a user whose
/// policies lack only that condition
/// ([`crate::policy::as_if_called_via_athena`]).
pub const CALLED_VIA: &str = "called-via";

/// LocalStack's free releases answer IAM and STS but evaluate no policy:
/// no identity, resource, trust or key policy denies anything, and an
/// external id is never checked. The tests that prove a policy (a denial,
/// least privilege, the external id, the ACL condition) run on fakecloud
/// only.
pub const LOCALSTACK_IAM: &str = "localstack-iam";

/// LocalStack's free releases have no Glue and no Athena (HTTP 501). The
/// catalog, the deployed world and the analyst's queries run on fakecloud only.
pub const LOCALSTACK_GLUE_ATHENA: &str = "localstack-glue-athena";

/// LocalStack does not record who owns an object: `GetObjectAcl` names its
/// own default owner whoever wrote it, so B's ownership of each copy (the
/// canned ACL, the bucket's ownership setting) is checked on fakecloud only.
pub const LOCALSTACK_OBJECT_OWNER: &str = "localstack-object-owner";

/// LocalStack 4.14 refuses a streamed upload whose CRC32C comes as a
/// trailer (`InvalidRequest: Expecting a single x-amz-checksum- header`); a
/// CRC32 trailer works. logferry keeps CRC32C, the archive's one checksum,
/// on every path (AWS takes it), so the direct mode's streamed `PutObject`
/// of an object above one part runs on fakecloud only.
pub const LOCALSTACK_CRC32C_TRAILER: &str = "localstack-crc32c-trailer";

/// LocalStack URL-encodes the object key of S3's EventBridge events, as S3
/// does in its own notifications; AWS sends EventBridge the key as it is
/// (an event AWS delivered for `raw/health-check/2023-08-08T14:03:40.532432.zip`
/// carries the colons unencoded), and the shipper reads it so. The
/// EventBridge route runs on fakecloud only.
pub const LOCALSTACK_EVENTBRIDGE_KEY: &str = "localstack-eventbridge-key";

/// The restart test stops its emulator and starts it again on the same
/// state. LocalStack keeps state across a restart only with persistence,
/// which its free releases lack; that test starts a fakecloud of its own
/// with `--storage-mode persistent`, so it runs on fakecloud only.
pub const LOCALSTACK_RESTART: &str = "localstack-restart";

/// LocalStack answers `NoSuchBucket` to an `UploadPartCopy` whose source is
/// a bucket of another account (measured with 4.14.0: the source bucket
/// exists and the caller may read it). Server-side part copies across
/// accounts run on fakecloud only; the streamed copy runs on both.
pub const LOCALSTACK_CROSS_ACCOUNT_COPY: &str = "localstack-cross-account-copy";

/// LocalStack's free releases have no ECS: the source root's ECS worker is
/// applied and run on fakecloud only.
pub const LOCALSTACK_ECS: &str = "localstack-ecs";

/// LocalStack 4.14 drops the tags `PutMetricAlarm` carries (a later
/// `TagResource` keeps them), so a plan right after apply wants to add each
/// alarm's tags again.
pub const LOCALSTACK_ALARM_TAGS: &str = "localstack-alarm-tags";

/// The drift a plan shows on LocalStack right after apply.
pub const LOCALSTACK_PLAN_DRIFT: &[crate::terraform::Drift] = &[(
    "aws_cloudwatch_metric_alarm",
    "tags_all",
    LOCALSTACK_ALARM_TAGS,
)];

/// Whether this run's emulator lacks what `gap` names (only LocalStack's
/// gaps depend on the choice of emulator).
pub fn lacks(gap: &str) -> bool {
    gap.starts_with("localstack-")
        && crate::emulator::Emulator::current()
            .is_ok_and(|e| e == crate::emulator::Emulator::LocalStack)
}

/// [`lacks`], saying so: the calling test returns early, and a line says it
/// was skipped here and why.
pub fn skips(gap: &str) -> bool {
    let lacked = lacks(gap);
    if lacked {
        eprintln!("skipped on LocalStack (gap {gap}); it runs on fakecloud");
    }
    lacked
}

/// A test that needs what only LocalStack has, on fakecloud: it returns
/// early, and a line says it was skipped here and why (`gap` is fakecloud's).
pub fn skips_on_fakecloud(gap: &str) -> bool {
    let fakecloud = crate::emulator::Emulator::current()
        .is_ok_and(|e| e == crate::emulator::Emulator::Fakecloud);
    if fakecloud {
        eprintln!("skipped on fakecloud (gap {gap}); it runs on LocalStack");
    }
    fakecloud
}
