"""logferry's Python package, from its wheel, against the emulator with IAM
enforced: ship() and Writer write into account B as the CLI does, and every
problem is a ShipError of one line."""

import importlib.util
import os
import pathlib
import sys

import pytest

import logferry

DEBUG_DUMPS = ("Traceback", "Error {", "SdkError", "ServiceError")


def one_line(err):
    text = str(err)
    assert "\n" not in text, text
    assert not any(debug in text for debug in DEBUG_DUMPS), text
    return text


def test_the_package_is_the_wheel_on_this_python():
    assert sys.version_info >= (3, 9)
    installed = os.environ["LOGFERRY_TEST_SITE"]
    assert logferry.__file__.startswith(installed), f"{logferry.__file__} is not the wheel installed in {installed}"
    assert [k for k, _ in logferry.KEYWORDS][:2] == ["archive_bucket", "archive_prefix"]


def test_ship_copies_named_objects_and_a_second_run_finds_them_archived(settings, objects, results):
    summary = logferry.ship(objects, **settings)
    assert (summary.shipped, summary.already_archived, summary.failed) == (len(objects), 0, [])
    assert summary.bytes > 0
    again = logferry.ship(objects, **settings)
    assert (again.shipped, again.already_archived) == (len(objects), len(objects))
    assert repr(again).startswith(f"{len(objects)} shipped ({len(objects)} already archived")
    results["shipped"] = {"uris": objects}


def test_ship_raises_one_line_for_a_missing_object_and_keeps_the_summary(settings, objects):
    missing = objects[0] + ".missing"
    with pytest.raises(logferry.ShipError) as caught:
        logferry.ship([objects[0], missing], **settings)
    text = one_line(caught.value)
    assert text.startswith(f"{missing}: {missing} does not exist"), text
    summary = caught.value.summary
    assert summary.shipped == 1
    assert [source for source, _, _ in summary.failed] == [missing]


def test_bad_settings_name_the_keyword_in_one_line(settings, objects):
    bad = dict(settings, archive_bucket="arn:aws:s3:::" + settings["archive_bucket"])
    with pytest.raises(logferry.ShipError) as caught:
        logferry.ship(objects, **bad)
    text = one_line(caught.value)
    assert text.startswith("archive_bucket `arn:aws:s3:::"), text
    assert "LOGFERRY_" not in text, text
    with pytest.raises(logferry.ShipError) as caught:
        logferry.Writer("Not A Name", **settings)
    assert "writer name `Not A Name`" in one_line(caught.value)
    with pytest.raises(TypeError) as caught:
        logferry.ship(objects, archive_bukket="archive", **settings)
    assert one_line(caught.value).startswith("unexpected keyword argument `archive_bukket`; the settings are archive_bucket,")


def test_a_writer_writes_bytes_under_the_key_layout_once(settings, results):
    writer = logferry.Writer("glue-etl", **settings)
    expected = writer.key("out/summary.json")
    account, prefix = settings["source_account"], settings["archive_prefix"]
    assert expected.startswith(f"{prefix}/{account}/"), expected
    assert "/glue-etl/" in expected and expected.endswith("/out/summary.json"), expected
    data = b'{"rows": 3}\n'
    written = writer.write_bytes("out/summary.json", data)
    assert (written.key, written.size, written.bucket) == (expected, len(data), settings["archive_bucket"])
    assert len(written.crc32c) == 8 and written.crc32c.endswith("=="), written.crc32c
    with pytest.raises(logferry.ShipError) as caught:
        writer.write_bytes("out/summary.json", b"replaced")
    assert "already exists in the archive" in one_line(caught.value)
    results["bytes"] = {"key": written.key, "data": data.decode()}


def test_a_writer_streams_a_file_larger_than_a_part_in_parts(settings, tmp_path, results):
    writer = logferry.Writer("glue-etl", part_size_mib=5, **settings)
    path = tmp_path / "part-0000.log"
    line = b"203.0.113.9 GET /index.html 200\n"
    with open(path, "wb") as out:
        for _ in range((12 * 1024 * 1024) // len(line) + 1):
            out.write(line)
    written = writer.write_file(str(path))
    assert written.size == path.stat().st_size
    assert written.key.endswith("/part-0000.log"), written.key
    results["file"] = {"key": written.key, "size": written.size, "line": line.decode()}


def test_the_glue_job_script_ships_with_the_package(settings, objects):
    script = pathlib.Path(os.environ["LOGFERRY_TEST_GLUE_SCRIPT"])
    spec = importlib.util.spec_from_file_location("ship_job", script)
    ship_job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship_job)
    argv = [str(script), "--logferry-uris", ",".join(objects)]
    for keyword, value in settings.items():
        argv += ["--" + ship_job.option(keyword), value]
    assert ship_job.main(argv) == 0
    # Outside Glue the script parses with argparse, which exits 2 on a missing argument.
    with pytest.raises(SystemExit) as caught:
        ship_job.main([str(script), "--logferry-uris", objects[0]])
    assert caught.value.code == 2
