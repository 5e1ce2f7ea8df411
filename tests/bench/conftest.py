# SPDX-License-Identifier: MIT
"""Tests of the benchmark's own code (bench/): its modules are imported from there."""
import os
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.path.insert(0, os.path.join(TOP, "bench", "linux"))
