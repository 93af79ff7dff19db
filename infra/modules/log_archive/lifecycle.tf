# The archive bucket's lifecycle: one retention rule for the whole bucket,
# delete-marker cleanup, the expiry of replaced query copies and, when asked,
# a transition of the originals the compactor has already turned into query
# copies.
#
# Coherent with Object Lock: nothing expires by default (expiration_days and
# noncurrent_version_expiration_days are null), and whatever is set must be
# at least the lock's days, so that no rule is written to delete what the
# lock keeps. S3 would not anyway ("a locked version of an object cannot be
# deleted by a S3 Lifecycle expiration policy", S3 User Guide, Object Lock
# considerations); the preconditions keep the configuration from promising
# otherwise.

locals {
  compacted_noncurrent_days = coalesce(var.compacted_noncurrent_days, var.object_lock == null ? 30 : var.object_lock.days + 1)
}

resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  #checkov:skip=CKV_AWS_300:archive-retention (filter {}, the whole bucket) aborts incomplete uploads; checkov cannot render this module when its root wires module outputs both ways (examples/archive-account: key ARN out, analyst and compactor roles in), which Terraform resolves output by output.
  bucket = aws_s3_bucket.archive.id

  # filter {} is the whole bucket, the query prefix included: expiration_days
  # (default null: nothing in the archive expires) expires compacted copies
  # with their originals (so no copy outlives the evidence it was made
  # from), and `transitions` moves them too. The abort rule is the backstop
  # for uploads a writer leaves behind: no writer may list the uploads.
  rule {
    id     = "archive-retention"
    status = "Enabled"

    filter {}

    dynamic "transition" {
      for_each = var.transitions
      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }

    dynamic "expiration" {
      for_each = var.expiration_days == null ? [] : [var.expiration_days]
      content {
        days = expiration.value
      }
    }

    dynamic "noncurrent_version_expiration" {
      for_each = var.noncurrent_version_expiration_days == null ? [] : [var.noncurrent_version_expiration_days]
      content {
        noncurrent_days = noncurrent_version_expiration.value
      }
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"

    filter {}

    expiration {
      expired_object_delete_marker = true
    }
  }

  # The compactor's outputs live under the query prefix in this same locked
  # bucket. When late logs arrive it writes a new output and puts a delete
  # marker on the old one, which becomes a noncurrent version that the lock
  # keeps until its retain-until date. This rule deletes such replaced copies
  # once that date has passed (compacted_noncurrent_days, default the lock's
  # days + 1: noncurrent days count from the replacement, which comes after
  # the write the retention counts from). Current copies are not touched.
  rule {
    id     = "replaced-query-copies"
    status = "Enabled"

    filter {
      prefix = "${local.query_prefix}/"
    }

    noncurrent_version_expiration {
      noncurrent_days = local.compacted_noncurrent_days
    }
  }

  # Originals only ("<archive_prefix>/"): the compacted copies under the
  # query prefix are what Athena reads and stay where `transitions` puts
  # them. Only classes GetObject reads directly, so the compactor can still
  # re-compact a day that receives late logs. Little to gain for S3 access
  # logs: "Objects smaller than 128 KB will not transition to any storage
  # class by default" (S3 API reference, TransitionDefaultMinimumObjectSize,
  # all_storage_classes_128K, the default since September 2024), and IA and
  # Glacier IR bill a smaller object as 128 KB anyway. It pays off for
  # archives of larger log objects.
  dynamic "rule" {
    for_each = var.compacted_originals_transition == null ? [] : [var.compacted_originals_transition]
    content {
      id     = "compacted-originals-transition"
      status = "Enabled"

      filter {
        prefix = "${var.archive_prefix}/"
      }

      transition {
        days          = rule.value.days
        storage_class = rule.value.storage_class
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.expiration_days == null || try(var.expiration_days > max(0, [for t in var.transitions : t.days]...), true)
      error_message = "expiration_days must be later than every transition's days."
    }

    precondition {
      condition     = var.object_lock == null || var.expiration_days == null || try(var.expiration_days >= var.object_lock.days, true)
      error_message = "expiration_days must be null or at least object_lock.days (${try(var.object_lock.days, 0)}): the lock keeps every version that long."
    }

    precondition {
      condition     = var.object_lock == null || var.noncurrent_version_expiration_days == null || try(var.noncurrent_version_expiration_days >= var.object_lock.days, true)
      error_message = "noncurrent_version_expiration_days must be null or at least object_lock.days (${try(var.object_lock.days, 0)}): the lock keeps every version that long."
    }

    precondition {
      condition     = var.object_lock == null || try(local.compacted_noncurrent_days >= var.object_lock.days, true)
      error_message = "compacted_noncurrent_days must be null or at least object_lock.days (${try(var.object_lock.days, 0)}): the lock keeps every replaced query copy that long."
    }

    precondition {
      # A query prefix inside the archive prefix would put the copies under
      # the originals' transition (and the compactor would read them back).
      condition     = !startswith("${var.archive_prefix}/", "${local.query_prefix}/") && !startswith("${local.query_prefix}/", "${var.archive_prefix}/")
      error_message = "query_prefix \"${local.query_prefix}\" and archive_prefix \"${var.archive_prefix}\" must not contain one another."
    }
  }

  # S3 applies lifecycle rules to a versioned bucket only once versioning is on.
  depends_on = [aws_s3_bucket_versioning.archive]
}
