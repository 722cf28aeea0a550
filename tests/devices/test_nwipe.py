"""The nwipe log parser, on logs composed as nwipe 0.30-0.38 writes them (tests/devices/files/erasure/)."""

from datetime import datetime
from pathlib import Path

import pytest

from devices.nwipe import NwipeFormatError, looks_like_nwipe, parse_nwipe_log

FILES = Path(__file__).parent / "files" / "erasure"


def read(name: str) -> str:
    return (FILES / name).read_text()


def test_single_success_nwipe_034():
    log = parse_nwipe_log(read("nwipe_single_success.log"))

    assert log.version == "0.34"  # from the options' "banner = nwipe 0.34": 0.34 logs no banner line in the file
    assert log.lines == 57
    assert log.complete is True
    assert log.user_aborted is False
    assert len(log.disks) == 1  # the USB stick was found but not selected: not a wiped disk
    disk = log.disks[0]
    assert disk.device == "/dev/sda"
    assert disk.model == "WDC WD5000AAKX-00ERMA0"  # the full model of the "Found" line, not the summary's 17 chars
    assert disk.serial == "WD-WCC2EH7J1234"
    assert disk.size == "500 GB"
    assert disk.size_bytes == 500107862016
    assert disk.method == "DoD Short"
    assert disk.prng == "Mersenne Twister"
    assert disk.rounds == 1
    assert disk.verification == "Verify Last Pass"
    assert disk.passes == 3
    assert disk.blanking is True
    assert disk.result == "success"
    assert disk.status == "Erased"
    assert disk.started_at == datetime(2024, 3, 12, 9, 14, 33)
    assert disk.ended_at == datetime(2024, 3, 12, 14, 33, 45)  # start + the summary's 05:19:12
    assert disk.errors == []
    assert (disk.pass_errors, disk.verify_errors, disk.sync_errors) == (0, 0, 0)


def test_failure_nwipe_038_verification_and_write_errors():
    log = parse_nwipe_log(read("nwipe_failure.log"))

    assert log.version == "0.38"
    assert log.lines == 71
    assert log.complete is True
    assert log.user_aborted is False
    [disk] = log.disks
    assert disk.device == "/dev/sdb"
    assert disk.model == "ST320LT007-9ZV142"
    assert disk.serial == "W0Q4ABCD"
    assert disk.size == "320 GB"  # 0.38 pads it: " 320 GB"
    assert disk.size_bytes == 320072933376
    assert disk.method == "PRNG Stream"
    assert disk.prng == "Isaac64"
    assert disk.rounds == 1
    assert disk.verification == "Verify All Passes"
    assert disk.passes == 1
    assert disk.blanking is True
    assert disk.result == "failure"
    assert disk.status == "FAILED"
    assert disk.started_at == datetime(2025, 2, 4, 14, 3, 41)
    assert disk.ended_at == datetime(2025, 2, 4, 17, 23, 5)  # start + 03:19:24
    assert disk.errors == [
        "warning: Partial write on '/dev/sdb', 4096 bytes short.",
        "warning: Partial write on '/dev/sdb', 4096 bytes short.",
        "notice: [FAILURE] /dev/sdb Verification errors, not empty",
        "notice: [FAILURE] /dev/sdb may not be blanked",
        "error: 12 verification errors on '/dev/sdb'.",
        "error: 8192 wipe errors on '/dev/sdb'.",
        "fatal: Nwipe exited with errors on device = /dev/sdb, see log for specific error",
    ]
    assert (disk.pass_errors, disk.verify_errors, disk.sync_errors) == (8192, 12, 0)


def test_multi_three_disks_one_failed():
    log = parse_nwipe_log(read("nwipe_multi.log"))

    assert log.version == "0.34"
    assert log.lines == 82
    assert log.complete is True
    assert log.user_aborted is False
    assert [d.device for d in log.disks] == ["/dev/sda", "/dev/sdb", "/dev/sdc"]
    sda, sdb, sdc = log.disks
    for disk in log.disks:
        assert disk.method == "PRNG Stream"
        assert disk.prng == "Isaac64"
        assert disk.rounds == 1
        assert disk.verification == "Verify Last Pass"
        assert disk.passes == 1
        assert disk.blanking is True
        assert disk.started_at == datetime(2024, 6, 20, 8, 42, 31)

    assert (sda.model, sda.serial, sda.size, sda.size_bytes) == (
        "ST500DM002-1BD142",
        "Z3T8AB12",
        "500 GB",
        500107862016,
    )
    assert (sda.result, sda.status, sda.errors) == ("success", "Erased", [])
    assert sda.ended_at == datetime(2024, 6, 20, 11, 43, 11)
    assert (sda.pass_errors, sda.verify_errors, sda.sync_errors) == (0, 0, 0)

    assert (sdb.model, sdb.serial, sdb.size, sdb.size_bytes) == (
        "HGST HTS545032A7E380",
        "TE85113R0KXY2B",
        "320 GB",
        320072933376,
    )
    assert (sdb.result, sdb.status) == ("failure", "FAILED")
    assert sdb.ended_at == datetime(2024, 6, 20, 10, 3, 41)
    assert sdb.errors == [
        "error: nwipe_static_pass: write: Input/output error",  # nwipe_perror() names no device: joined to the next
        "fatal: Unable to write to '/dev/sdb'.",
        "fatal: Nwipe exited with errors on device = /dev/sdb, see log for specific error",
    ]
    assert (sdb.pass_errors, sdb.verify_errors, sdb.sync_errors) == (1, 0, 0)

    assert (sdc.model, sdc.serial, sdc.size, sdc.size_bytes) == (
        "Samsung SSD 850 EVO 250GB",
        "S2R6NX0H612345Z",
        "250 GB",
        250059350016,
    )
    assert (sdc.result, sdc.status, sdc.errors) == ("success", "Erased", [])
    assert sdc.ended_at == datetime(2024, 6, 20, 9, 7, 33)


def test_aborted_by_user():
    log = parse_nwipe_log(read("nwipe_aborted.log"))

    assert log.version == "0.38"
    assert log.lines == 46
    assert log.complete is True
    assert log.user_aborted is True
    [disk] = log.disks
    assert disk.device == "/dev/nvme0n1"  # the summary prints "nvme0n1"
    assert disk.model == "KXG50ZNV256G TOSHIBA"
    assert disk.serial == "Y7KS10ABCDEF"
    assert disk.size == "256 GB"
    assert disk.size_bytes == 256060514304
    assert disk.method == "DoD Short"
    assert disk.prng == "Isaac64"
    assert disk.rounds == 1
    assert disk.verification == "Verify Last Pass"
    assert disk.passes == 3
    assert disk.blanking is True
    # nwipe 0.33+ reports an interrupted wipe as FAILED (its result stays -2, main() adds a pass error)
    assert disk.result == "failure"
    assert disk.status == "FAILED"
    assert disk.started_at == datetime(2025, 5, 9, 10, 20, 2)
    assert disk.ended_at == datetime(2025, 5, 9, 10, 29, 19)
    assert disk.errors == ["fatal: Nwipe exited with errors on device = /dev/nvme0n1, see log for specific error"]
    assert (disk.pass_errors, disk.verify_errors, disk.sync_errors) == (1, 0, 0)


def test_crlf_and_surrounding_junk_give_the_same_result():
    text = read("nwipe_multi.log")
    wrapped = "Script started on 2024-06-20 08:39:50\r\n$ sudo nwipe --nousb -l /tmp/w.log\r\n"
    wrapped += text.replace("\n", "\r\n") + "\r\nScript done.\r\n\r\n"

    assert looks_like_nwipe(wrapped)
    assert parse_nwipe_log(wrapped).disks == parse_nwipe_log(text).disks


def test_truncated_log_without_summary_fails_every_disk():
    text = read("nwipe_multi.log")
    truncated = text[: text.index("[2024/06/20 11:43:11]")]  # the machine died before sda finished

    log = parse_nwipe_log(truncated)

    assert log.complete is False
    assert [d.device for d in log.disks] == ["/dev/sda", "/dev/sdb", "/dev/sdc"]
    assert [d.result for d in log.disks] == ["failure"] * 3
    assert [d.status for d in log.disks] == [""] * 3
    sda, sdb, sdc = log.disks
    assert sda.ended_at == datetime(2024, 6, 20, 10, 46, 21)  # its last line ("Verifying that /dev/sda is empty.")
    assert sdb.errors[:2] == [
        "error: nwipe_static_pass: write: Input/output error",
        "fatal: Unable to write to '/dev/sdb'.",
    ]
    assert sdc.serial == "S2R6NX0H612345Z"
    assert (sdc.pass_errors, sdc.method, sdc.passes) == (None, "PRNG Stream", 1)


def test_appended_runs_are_all_read():
    log = parse_nwipe_log(read("nwipe_single_success.log") + read("nwipe_failure.log"))

    assert [(d.device, d.serial, d.result) for d in log.disks] == [
        ("/dev/sda", "WD-WCC2EH7J1234", "success"),
        ("/dev/sdb", "W0Q4ABCD", "failure"),
    ]
    assert log.disks[0].prng == "Mersenne Twister"
    assert log.disks[1].prng == "Isaac64"
    assert log.version == "0.34"


def test_old_summary_layout_and_uaborted():
    """nwipe 0.30-0.32: no table title, six-character device column; UABORTED is not "erased"."""
    text = "\n".join(
        [
            "[2021/10/05 16:01:12]  notice: Found /dev/sdd,  ATA, TOSHIBA MQ01ABD100, 1000 GB, S/N=X3ABCDEFG",
            "[2021/10/05 16:02:40]  notice: Program options are set as follows...",
            "[2021/10/05 16:02:40]  notice:   prng     = Isaac",
            "[2021/10/05 16:02:40]  notice:   method   = Fill With Zeros",
            "[2021/10/05 16:02:40]  notice:   rounds   = 1",
            "[2021/10/05 16:02:40]  notice:   verify   = 0 (off)",
            "[2021/10/05 16:02:40]  notice: /dev/sdd, sect/blk/dev 512/4096/1000204886016",
            "[2021/10/05 16:02:41]  notice: Invoking method 'Fill With Zeros' on /dev/sdd",
            "",
            "********************************************************************************",
            "! Device | Status | Thru-put | HH:MM:SS | Model/Serial Number",
            "--------------------------------------------------------------------------------",
            "!    sdd |UABORTED| 110 MB/s | 00:12:09 | TOSHIBA MQ01ABD10/X3ABCDEFG",
            "--------------------------------------------------------------------------------",
            "[2021/10/05 16:14:50] Total Throughput 110 MB/s, Fill With Zeros, 1R+B+NV",
            "********************************************************************************",
        ]
    )
    [disk] = parse_nwipe_log(text).disks

    assert (disk.device, disk.status, disk.result) == ("/dev/sdd", "UABORTED", "failure")
    assert (disk.method, disk.prng, disk.verification, disk.passes) == (
        "Fill With Zeros",
        "Isaac",
        "Verification Off",
        1,
    )
    assert disk.blanking is True
    assert disk.ended_at == datetime(2021, 10, 5, 16, 14, 50)
    assert disk.pass_errors is None  # no "Error Summary" before 0.33


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello\nworld\n",
        "Device,Serial\nPC-1,ABC\n",
        "[2024/03/12 09:12:05] something happened\n",  # a timestamp alone is not nwipe
        "Mar 12 09:12:05 host kernel: sd 0:0:0:0: [sda] 976773168 512-byte logical blocks\n",
    ],
)
def test_not_nwipe_is_refused(text):
    assert not looks_like_nwipe(text)
    with pytest.raises(NwipeFormatError, match="not an nwipe log"):
        parse_nwipe_log(text)


def test_nwipe_log_without_a_wipe_is_refused():
    text = read("nwipe_single_success.log")
    before_wipe = text[: text.index("[2024/03/12 09:14:31]")]  # devices found, the user quit before starting

    assert looks_like_nwipe(before_wipe)
    with pytest.raises(NwipeFormatError, match="without any wiped disk"):
        parse_nwipe_log(before_wipe)


def test_every_fixture_is_recognised():
    for path in sorted(FILES.glob("nwipe_*.log")):
        assert looks_like_nwipe(path.read_text()), path.name
