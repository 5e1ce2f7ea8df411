# SPDX-License-Identifier: MIT
"""The profile picture's reading of the profiler's CSVs (bench/profile_plot.py)."""
import shutil

import pytest

import profile_plot

CSV = ("function,subsystem,source,insns_per_query,calls_per_query,mmio_per_query\n"
       "virtq_add_buffer,virtqueue,drivers/virtio/virtq.c,208.00,2.000,0.000\n"
       "dns_answer,lib/dns,lib/dns/answer.c,189.00,1.000,0.000\n"
       "virtq_collect_used,virtqueue,drivers/virtio/virtq.c,111.50,2.000,0.000\n")


def test_functions_are_summed_by_subsystem(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text(CSV)
    unit, by_sub = profile_plot.load(str(p))
    assert unit == "query"
    assert by_sub == {"virtqueue": 319.5, "lib/dns": 189.0}


def test_a_file_that_is_not_a_profile_is_refused(tmp_path):
    p = tmp_path / "other.csv"
    p.write_text("metric,unit,mote\nboot,ms,12\n")
    with pytest.raises(ValueError, match="not a profile CSV"):
        profile_plot.load(str(p))


def test_profiles_are_given_as_label_and_file():
    with pytest.raises(SystemExit):
        profile_plot.parse_args(["-o", "x.png", "no-label"])


@pytest.mark.skipif(not shutil.which("gnuplot"), reason="gnuplot not installed")
def test_two_profiles_make_one_picture(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text(CSV)
    out = tmp_path / "x.png"
    profile_plot.main(["-o", str(out), f"before={p}", f"after={p}"])
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
