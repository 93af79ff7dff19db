"""Ship S3 log objects into the archive: logferry's Glue Python shell job.

infra/modules/glue_writer_job runs this script; it also runs anywhere the
logferry package is installed:

    python3 ship_job.py --logferry-uris s3://logs/s3-access/2024-01-01- \\
        --logferry-archive-bucket acme-log-archive --logferry-archive-prefix prod/s3-access

Every argument is `--logferry-<keyword>` for a keyword argument of
logferry.ship(), `_` written `-`, plus `--logferry-uris`: s3://bucket/key
objects and s3://bucket/prefix/ prefixes, separated by commas or whitespace.
In Glue the job's default arguments carry the settings and a run adds or
overrides any of them (start-job-run --arguments). Exit status: 0 shipped,
1 logferry.ShipError (its one-line message on stderr), 2 bad arguments.
"""

import argparse
import re
import sys

# logferry.ship()'s keyword arguments this job passes, and how each is parsed.
SETTINGS = {
    "archive_bucket": str,
    "archive_prefix": str,
    "auth_mode": str,
    "role_arn": str,
    "external_id": str,
    "session_name": str,
    "source_account": str,
    "key_template": str,
    "concurrency": int,
}
REQUIRED = ("uris", "archive_bucket", "archive_prefix")
NAMES = ("uris",) + tuple(SETTINGS)


class ArgumentError(Exception):
    """A missing or malformed argument, as one line."""


def option(name):
    """The job argument of a name: archive_bucket -> logferry-archive-bucket."""
    return "logferry-" + name.replace("_", "-")


def given(argv, name):
    flag = "--" + option(name)
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv)


def from_glue(argv, get_resolved_options):
    """Glue's getResolvedOptions makes every option it is asked for required,
    so it is asked only for the ones present in this run's arguments."""
    present = [name for name in NAMES if given(argv, name)]
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        raise ArgumentError("missing " + ", ".join("--" + option(n) for n in missing))
    resolved = get_resolved_options(argv, [option(name) for name in present])
    # argparse stores --logferry-archive-bucket as logferry_archive_bucket.
    return {name: resolved[option(name).replace("-", "_")] for name in present}


def from_command_line(argv):
    """The same arguments with argparse, for a run outside Glue."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in NAMES:
        parser.add_argument("--" + option(name), dest=name, required=name in REQUIRED)
    parsed, _unknown = parser.parse_known_args(argv[1:])  # Glue adds its own (--JOB_ID, ...)
    return {name: value for name, value in vars(parsed).items() if value is not None}


def read_arguments(argv):
    try:
        from awsglue.utils import getResolvedOptions  # only inside Glue
    except ImportError:
        return from_command_line(argv)
    return from_glue(argv, getResolvedOptions)


def ship_arguments(arguments):
    """The URIs and logferry.ship()'s keyword arguments, parsed."""
    uris = [uri for uri in re.split(r"[,\s]+", arguments["uris"]) if uri]
    if not uris:
        raise ArgumentError("--logferry-uris names no s3:// URI")
    kwargs = {}
    for name, parse in SETTINGS.items():
        if name in arguments and arguments[name] != "":
            try:
                kwargs[name] = parse(arguments[name])
            except ValueError:
                what = "a whole number" if parse is int else "valid"
                raise ArgumentError(f"--{option(name)} `{arguments[name]}` is not {what}") from None
    return uris, kwargs


def main(argv=None):
    argv = sys.argv if argv is None else argv
    try:
        uris, kwargs = ship_arguments(read_arguments(argv))
    except ArgumentError as err:
        print(f"ship_job: {err}", file=sys.stderr)
        return 2
    try:
        import logferry
    except ImportError:
        print("ship_job: the logferry package is not installed (the Glue job installs its wheel from --extra-py-files)", file=sys.stderr)
        return 2
    try:
        summary = logferry.ship(uris, **kwargs)
    except logferry.ShipError as err:
        print(f"logferry: {err}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
