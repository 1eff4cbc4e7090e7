#!/usr/bin/env python3
"""Unit tests of fuzz_report.py: which Go runs are the coordinator's deadline
race (a clean stop) and which are failures, and where each engine's first
crash is read from. The Go outputs are as Go 1.26.8 prints them (the races
were recorded from a fuzz test that does nothing, run with a 100 ms box, and
from FuzzRoundTrip in a fuzz_smoke_go run of ci/test).

usage: test_fuzz_report.py   (exit 1 on a failure)
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_report  # noqa: E402

RACE = """\
fuzz: elapsed: 0s, gathering baseline coverage: 0/1 completed
fuzz: elapsed: 0s, gathering baseline coverage: 1/1 completed, now fuzzing with 1 workers
fuzz: elapsed: 0s, execs: 1 (8/sec), new interesting: 0 (total: 1)
--- FAIL: FuzzNothing (0.13s)
    context deadline exceeded
FAIL
"""
RACE_SMOKE = """\
fuzz: elapsed: 0s, gathering baseline coverage: 0/262 completed
fuzz: elapsed: 3s, gathering baseline coverage: 227/262 completed
fuzz: elapsed: 3s, gathering baseline coverage: 262/262 completed, now fuzzing with 1 workers
fuzz: elapsed: 6s, execs: 269 (14/sec), new interesting: 0 (total: 262)
fuzz: elapsed: 9s, execs: 19792 (6672/sec), new interesting: 1 (total: 263)
fuzz: elapsed: 11s, execs: 19792 (0/sec), new interesting: 1 (total: 263)
--- FAIL: FuzzRoundTrip (11.54s)
    context deadline exceeded
FAIL
"""
CLEAN = """\
fuzz: elapsed: 0s, gathering baseline coverage: 0/264 completed
fuzz: elapsed: 1s, gathering baseline coverage: 264/264 completed, now fuzzing with 1 workers
fuzz: elapsed: 3s, execs: 49795 (16598/sec), new interesting: 4 (total: 268)
fuzz: elapsed: 5s, execs: 95894 (15982/sec), new interesting: 5 (total: 269)
PASS
"""
CRASH = """\
fuzz: elapsed: 0s, gathering baseline coverage: 0/1 completed
fuzz: elapsed: 0s, gathering baseline coverage: 1/1 completed, now fuzzing with 1 workers
fuzz: elapsed: 3s, execs: 51234 (17078/sec), new interesting: 2 (total: 3)
fuzz: minimizing 35-byte failing input file
fuzz: elapsed: 4s, minimizing
--- FAIL: FuzzLoad (4.20s)
    --- FAIL: FuzzLoad (0.00s)
        testing.go:1927: panic: planted

    Failing input written to testdata/fuzz/FuzzLoad/f34630c44c11bb13
    To re-run:
    go test -run=FuzzLoad/f34630c44c11bb13
FAIL
"""
SEED = """\
fuzz: elapsed: 0s, gathering baseline coverage: 0/3 completed
failure while testing seed corpus entry: FuzzLoad/corpus-regression-crashing-seed
fuzz: elapsed: 0s, gathering baseline coverage: 0/3 completed
--- FAIL: FuzzLoad (0.01s)
    --- FAIL: FuzzLoad (0.00s)
        testing.go:1927: panic: planted
FAIL
"""


def lines(text):
    return text.splitlines(keepends=True)


class GoDeadlineRace(unittest.TestCase):
    def test_the_race_is_a_clean_stop_before_go_1_27(self):
        self.assertTrue(fuzz_report.go_deadline_race(lines(RACE), "0.1", "go1.26.8"))
        self.assertTrue(fuzz_report.go_deadline_race(lines(RACE), "0.1", "go1.25.4"))
        self.assertTrue(fuzz_report.go_deadline_race(lines(RACE_SMOKE), "10", "go1.26.8"))

    def test_not_from_go_1_27_on(self):
        # Fixed there (go.dev/issue/75804): the same output is something else.
        self.assertFalse(fuzz_report.go_deadline_race(lines(RACE), "0.1", "go1.27.3"))
        self.assertFalse(fuzz_report.go_deadline_race(lines(RACE), "0.1", "go1.30"))
        self.assertFalse(fuzz_report.go_deadline_race(lines(RACE), "0.1", "devel"))

    def test_not_before_the_box_ended(self):
        self.assertFalse(fuzz_report.go_deadline_race(lines(RACE), "1", "go1.26.8"))

    def test_a_finding_or_failing_seed_is_never_a_clean_stop(self):
        for text in (CRASH, SEED, CLEAN):
            self.assertFalse(fuzz_report.go_deadline_race(lines(text), "0", "go1.26.8"))

    def test_anything_more_is_not_the_race(self):
        for extra in ("panic: something\n", "fuzz: minimizing 3-byte failing input file\n",
                      "warning: something\n", "    Failing input written to x\n"):
            text = RACE.replace("--- FAIL", extra + "--- FAIL")
            self.assertFalse(fuzz_report.go_deadline_race(lines(text), "0.1", "go1.26.8"), extra)
        two = RACE.replace("    context deadline exceeded\n",
                           "    context deadline exceeded\n    another error\n")
        self.assertFalse(fuzz_report.go_deadline_race(lines(two), "0.1", "go1.26.8"))


class FirstCrash(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        for root, dirs, files in os.walk(self.dir, topdown=False):
            for f in files:
                os.remove(os.path.join(root, f))
            for d in dirs:
                os.rmdir(os.path.join(root, d))
        os.rmdir(self.dir)

    def write(self, name, text, mtime=None):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    def test_go_the_line_that_first_reports_a_failure(self):
        log = self.write("log.txt", CRASH)
        self.write("log.times", "0.1\n0.9\n3.0\n3.72\n4.0\n4.2\n4.2\n4.2\n4.2\n4.2\n4.2\n4.2\n4.2\n")
        self.assertEqual(fuzz_report.go_first_crash(log),
                         {"seconds": 3.72, "execs": 51234, "execs_exact": False})

    def test_go_a_failing_seed(self):
        log = self.write("log.txt", SEED)
        self.write("log.times", "0.01\n0.02\n0.03\n0.04\n0.04\n0.04\n0.05\n")
        self.assertEqual(fuzz_report.go_first_crash(log),
                         {"seconds": 0.02, "execs": 0, "execs_exact": False})

    def test_afl_the_first_crash_by_its_name(self):
        for name in ("id:000001,sig:06,src:000003,time:9000,execs:80000,op:havoc,rep:4",
                     "id:000000,sig:04,src:000000,time:289,execs:9,op:havoc,rep:2", "README.txt"):
            self.write(os.path.join("afl", "main", "crashes", name), "x")
        self.assertEqual(fuzz_report.afl_first_crash(self.dir),
                         {"seconds": 0.289, "execs": 9, "execs_exact": True})

    def test_libfuzzer_the_first_artifact_since_the_start(self):
        self.write("start_time", "1000.25\n")
        self.write("raw-crashes/crash-b", "x", mtime=1012.0)
        self.write("raw-crashes/crash-a", "x", mtime=1003.75)
        self.assertEqual(fuzz_report.libfuzzer_first_crash(self.dir, 4321),
                         {"seconds": 3.5, "execs": 4321, "execs_exact": True})

    def test_none_without_a_crash(self):
        self.assertIsNone(fuzz_report.afl_first_crash(self.dir))
        self.assertIsNone(fuzz_report.libfuzzer_first_crash(self.dir, 0))
        log = self.write("log.txt", CLEAN)
        self.write("log.times", "0\n1\n3\n5\n5\n")
        self.assertIsNone(fuzz_report.go_first_crash(log))


if __name__ == "__main__":
    unittest.main()
