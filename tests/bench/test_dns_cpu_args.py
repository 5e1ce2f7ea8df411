# SPDX-License-Identifier: MIT
"""dns_cpu.py's board handling: defaults per board, what raspi3b's fixed machine
refuses, and the Linux kernel it is given (no QEMU, no root needed)."""
import gzip
import os

import pytest

import dns_cpu


def test_virt_keeps_its_defaults():
    a = dns_cpu.parse_args([])
    assert (a.board, a.build, a.mem, a.no_min_mem) == ("virt", os.path.join("build", "virt"),
                                                       128, False)
    assert a.results.endswith(os.path.join("bench", "results"))
    assert a.systems == ("mote", "linux")


def test_raspi3_takes_its_fixed_memory_and_its_own_folders():
    a = dns_cpu.parse_args(["--board", "raspi3"])
    assert (a.build, a.mem, a.no_min_mem) == (os.path.join("build", "raspi3"), 1024, True)
    assert a.results.endswith(os.path.join("bench", "results", "raspi3"))


def test_raspi3_refuses_another_memory_size(capsys):
    with pytest.raises(SystemExit):
        dns_cpu.parse_args(["--board", "raspi3", "--mem", "512"])
    assert "exactly 1024 MiB" in capsys.readouterr().err


def test_only_measures_one_system():
    assert dns_cpu.parse_args(["--only", "linux"]).systems == ("linux",)


def test_each_board_names_its_nic_and_the_plugin_arguments_match():
    for name, board in dns_cpu.BOARDS.items():
        assert board["nic"] and set(board["ready_timeout_s"]) == set(dns_cpu.SYSTEMS), name
        # More than one vCPU is counted only in one TCG thread, and the plugin is told so.
        single = "tcg,thread=single" in board["plugin_qemu"]
        assert single == ("single_thread=on" in board["plugin_arg"]), name
    assert "-smp" in dns_cpu.BOARDS["virt"]["qemu"]


def test_uncompressed_kernel_passes_an_image_and_unpacks_a_gzipped_one(tmp_path):
    plain = tmp_path / "vmlinuz-plain"
    plain.write_bytes(b"MZ\x40\xfa" + b"\0" * 60)
    assert dns_cpu.uncompressed_kernel(str(plain), str(tmp_path / "out")) == str(plain)
    packed = tmp_path / "vmlinuz-6.1-test"
    packed.write_bytes(gzip.compress(b"MZ image bytes"))
    image = dns_cpu.uncompressed_kernel(str(packed), str(tmp_path / "out"))
    assert os.path.basename(image) == "Image-6.1-test"
    assert open(image, "rb").read() == b"MZ image bytes"
    assert dns_cpu.uncompressed_kernel(str(packed), str(tmp_path / "out")) == image
