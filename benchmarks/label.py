"""Implicit-label throughput and memory: hegui against exiftool writing the same field.

    .venv/bin/python benchmarks/label.py [--files 40] [--mp4-mb 200] [--json]
    .venv/bin/python benchmarks/label.py --fuzz 300        # seeded mutants per format
    .venv/bin/python benchmarks/label.py --xmp-fallback    # S1: malformed XMP, time vs size

Generates its inputs in a temporary directory (nothing is committed): ~1 MB JPEG and PNG files
(random pixels, so they do not compress) and an MP4 of ``--mp4-mb`` MB (an ffmpeg-encoded clip
looped with stream copy), in two layouts: moov at the end (ffmpeg's default) and moov first
(``+faststart``, where hegui must shift the chunk offsets).

Compared, on fresh copies each time:

* hegui in-process (``hegui.labeling.write_label`` in a loop; default durable writes with fsync,
  and ``durable=False``), and the ``hegui label add DIR --in-place`` command in one process;
* exiftool with one process per file, and ``exiftool -stay_open`` batch mode, writing
  ``XMP-TC260:AIGC`` (images) or ``Keys:AIGC`` (MP4) through a config that defines them.

For the MP4, each tool runs in a child process whose peak resident memory is read from
``wait4``; hegui's child also reports its resident memory after imports (the interpreter
baseline) and its tracemalloc peak.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from hegui.labeling import AigcLabel, exiftool_config, write_label

PRODUCER = "001191440300708461136T1XGW3"
LABEL = AigcLabel.first_write(PRODUCER, "bench-0000000000000000")
ROOT = Path(__file__).resolve().parent.parent


def make_images(directory: Path, fmt: str, count: int) -> list[Path]:
    rng = np.random.default_rng(7)
    side = 1100 if fmt == "jpeg" else 580  # random pixels: both come out near 1 MB
    paths = []
    for i in range(count):
        im = Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8))
        path = directory / f"img{i:03d}.{'jpg' if fmt == 'jpeg' else 'png'}"
        im.save(path, "JPEG", quality=88) if fmt == "jpeg" else im.save(
            path, "PNG", compress_level=1
        )
        paths.append(path)
    return paths


def make_mp4(directory: Path, megabytes: int, faststart: bool) -> Path:
    seed = directory / "seed.mp4"
    if not seed.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=1280x720:rate=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000",
                "-t",
                "10",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-qp",
                "8",
                "-c:a",
                "aac",
                str(seed),
            ],
            check=True,
        )
    loops = max(1, round(megabytes * 1e6 / seed.stat().st_size))
    out = directory / f"big-{megabytes}{'-faststart' if faststart else ''}.mp4"
    flags = ["-movflags", "+faststart"] if faststart else []
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-stream_loop",
            str(loops - 1),
            "-i",
            str(seed),
            "-c",
            "copy",
            *flags,
            str(out),
        ],
        check=True,
    )
    return out


def fresh(originals: list[Path], directory: Path) -> list[Path]:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return [Path(shutil.copy(p, directory / p.name)) for p in originals]


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def hegui_in_process(files: list[Path], durable: bool) -> float:
    return timed(lambda: [write_label(p, LABEL, durable=durable) for p in files])


def hegui_cli(directory: Path) -> float:
    exe = ROOT / ".venv" / "bin" / "hegui"
    cmd = [
        str(exe),
        "label",
        "add",
        str(directory),
        "--producer",
        PRODUCER,
        "--in-place",
        "-j",
        "1",
        "-f",
        "json",
    ]
    return timed(lambda: subprocess.run(cmd, check=True, capture_output=True))


def exiftool_per_file(files: list[Path], config: Path, tag: str) -> float:
    value = LABEL.to_json()

    def run() -> None:
        for p in files:
            subprocess.run(
                [
                    "exiftool",
                    "-config",
                    str(config),
                    "-q",
                    "-overwrite_original",
                    f"-{tag}={value}",
                    str(p),
                ],
                check=True,
            )

    return timed(run)


def exiftool_stay_open(files: list[Path], config: Path, tag: str) -> float:
    proc = subprocess.Popen(
        ["exiftool", "-config", str(config), "-stay_open", "True", "-@", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None

    def command(args: list[str]) -> None:
        proc.stdin.write("\n".join([*args, "-execute"]) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        while not (line := proc.stdout.readline()).startswith("{ready"):  # type: ignore[union-attr]
            if not line:
                raise RuntimeError("exiftool -stay_open exited early")

    command(["-ver"])  # startup is not part of the batch time
    # No -q here: with it exiftool 12.57 never flushes the {ready} line.
    value = LABEL.to_json()
    elapsed = timed(
        lambda: [command(["-overwrite_original", f"-{tag}={value}", str(p)]) for p in files]
    )
    proc.stdin.write("-stay_open\nFalse\n")
    proc.stdin.flush()
    proc.wait()
    return elapsed


# (hegui run, exiftool run): the speed-ups reported, exiftool time / hegui time.
COMPARED = [
    ("hegui (in-process, fsync)", "exiftool (process per file)"),
    ("hegui (in-process, fsync)", "exiftool -stay_open"),
    ("hegui (in-process, no fsync)", "exiftool -stay_open"),
    ("hegui label add (1 process)", "exiftool (process per file)"),
]

_CHILD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from hegui.labeling import AigcLabel, exiftool_config, write_label
from hegui.labeling.carriers import FileFormat, carrier_for
carrier_for(FileFormat.MP4)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
label = AigcLabel.first_write(sys.argv[3], "bench-0000000000000000")
tracemalloc.start()
t = time.perf_counter()
write_label(Path(sys.argv[1]), label, Path(sys.argv[2]))
elapsed = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": elapsed, "baseline_kb": base, "tracemalloc_peak": peak}))
"""


# Peak RSS through a small runner: a process forked from this (large) benchmark process would
# report this process's size as its own floor, because Linux counts the address space it
# forked with in ru_maxrss. The runner, started with -S, is a few MB.
_RUNNER = """
import json, os, sys, time
start = time.perf_counter()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(w, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(w)
out = b""
while chunk := os.read(r, 65536):
    out += chunk
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"seconds": time.perf_counter() - start, "maxrss_kb": usage.ru_maxrss,
                  "code": os.waitstatus_to_exitcode(status), "out": out.decode()}))
"""


def child(cmd: list[str]) -> tuple[float, int, str]:
    """Wall time, peak RSS (KiB) and stdout of ``cmd``."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _RUNNER, *cmd], capture_output=True, text=True, check=True
    )
    info = json.loads(done.stdout)
    if info["code"] != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr}")
    return info["seconds"], info["maxrss_kb"], info["out"]


def bench_mp4(path: Path, config: Path, work: Path) -> dict[str, float]:
    out = work / "hegui-out.mp4"
    out.unlink(missing_ok=True)
    wall, peak, text = child([sys.executable, "-c", _CHILD, str(path), str(out), PRODUCER])
    info = json.loads(text)
    ex_out = work / "exiftool-out.mp4"
    ex_out.unlink(missing_ok=True)
    ex_wall, ex_peak, _ = child(
        [
            "exiftool",
            "-config",
            str(config),
            "-q",
            f"-Keys:AIGC={LABEL.to_json()}",
            "-o",
            str(ex_out),
            str(path),
        ]
    )
    size = path.stat().st_size / 1e6
    out.unlink(missing_ok=True)
    ex_out.unlink(missing_ok=True)
    return {
        "size_mb": size,
        "hegui_write_s": info["seconds"],
        "hegui_process_s": wall,
        "hegui_peak_rss_mb": peak / 1024,
        "hegui_baseline_rss_mb": info["baseline_kb"] / 1024,
        "hegui_tracemalloc_peak_mb": info["tracemalloc_peak"] / 2**20,
        "exiftool_process_s": ex_wall,
        "exiftool_peak_rss_mb": ex_peak / 1024,
    }


def fuzz(per_format: int) -> int:
    """The label audit's mutation run: inspect and add on ``per_format`` mutants per format.

    Prints, per format, how many runs were read fine, refused cleanly (exit 2) or went wrong
    (anything else: internal error, changed input, leftover file); exits 1 if any went wrong.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from collections import Counter

    from tests.labeling.fuzz import SEED, SEEDS, mutants, run_mutant, seed_file

    total: Counter[str] = Counter()
    bad_examples = []
    start = time.perf_counter()
    print(f"{per_format} mutants per format, inspect + add each, seed {SEED}")
    with tempfile.TemporaryDirectory(prefix="hegui-fuzz-") as tmp:
        for i, kind in enumerate(sorted(SEEDS)):
            data = seed_file(kind, Path(tmp) / kind / "seed")
            tally: Counter[str] = Counter()
            t0 = time.perf_counter()
            for name, mutant in mutants(data, SEED + i, per_format):
                for o in run_mutant(kind, name, mutant, Path(tmp) / kind / "runs"):
                    key = "bad" if o.result.startswith("bad") else o.result
                    tally[key] += 1
                    if key == "bad":
                        bad_examples.append(f"{kind} {o.name} {o.action}: {o.result[:160]}")
            total.update(tally)
            print(
                f"  {kind:9s} ok {tally['ok']:5d}  refused {tally['refused']:5d}  "
                f"bad {tally['bad']:3d}  ({time.perf_counter() - t0:5.1f} s)"
            )
    runs = sum(total.values())
    print(
        f"all: {runs} runs in {time.perf_counter() - start:.1f} s: ok {total['ok']}, "
        f"refused {total['refused']}, bad {total['bad']}"
    )
    for line in bad_examples[:20]:
        print("  " + line)
    return 1 if total["bad"] else 0


def xmp_fallback() -> int:
    """Malformed XMP (security review S1): hegui's bounded search against the old regex."""
    import re

    from hegui.labeling.carriers._xmp import find_labels

    old = re.compile(
        rb"""([\w.-]+):AIGC\s*=\s*(["'])(.*?)\2|<([\w.-]+):AIGC>(.*?)</\4:AIGC>""", re.S
    )
    print("malformed packet '<' + 'a' * n: seconds (old regex / hegui)")
    for n in (2_500, 5_000, 10_000, 20_000, 1_000_000):
        packet = b"<" + b"a" * n
        ours = timed(lambda packet=packet: find_labels(packet))
        theirs = timed(lambda packet=packet: list(old.finditer(packet))) if n <= 10_000 else None
        shown = f"{theirs:8.3f}" if theirs is not None else "  (skip)"
        ratio = f"{theirs / ours:10.0f}x" if theirs is not None else ""
        print(f"  n={n:>9,}  old {shown}  hegui {ours:8.5f}  {ratio}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=40, help="images per format")
    parser.add_argument("--mp4-mb", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--fuzz", type=int, default=0, help="run N mutants per format instead")
    parser.add_argument("--xmp-fallback", action="store_true", help="time the S1 fallback")
    args = parser.parse_args()
    if args.fuzz:
        return fuzz(args.fuzz)
    if args.xmp_fallback:
        return xmp_fallback()
    for tool in ("exiftool", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed (apt-get install libimage-exiftool-perl ffmpeg)")
            return 1
    version = subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()
    results: dict[str, object] = {"exiftool": version, "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="hegui-bench-") as tmp:
        work = Path(tmp)
        config = work / "tc260.config"
        config.write_text(exiftool_config())
        for fmt in ("jpeg", "png"):
            (work / f"src-{fmt}").mkdir()
            originals = make_images(work / f"src-{fmt}", fmt, args.files)
            mb = sum(p.stat().st_size for p in originals) / 1e6
            n = len(originals)
            w, tag = work / "w", "XMP-TC260:AIGC"
            runs = {
                "hegui (in-process, fsync)": hegui_in_process(fresh(originals, w), durable=True)
            }
            runs["hegui (in-process, no fsync)"] = hegui_in_process(
                fresh(originals, w), durable=False
            )
            fresh(originals, w)
            runs["hegui label add (1 process)"] = hegui_cli(w)
            runs["exiftool (process per file)"] = exiftool_per_file(
                fresh(originals, w), config, tag
            )
            runs["exiftool -stay_open"] = exiftool_stay_open(fresh(originals, w), config, tag)
            results[fmt] = {
                "files": n,
                "mean_mb": mb / n,
                "runs": {
                    k: {"seconds": v, "files_per_s": n / v, "mb_per_s": mb / v}
                    for k, v in runs.items()
                },
                "ratios": {
                    f"{ours} vs {theirs}": runs[theirs] / runs[ours] for ours, theirs in COMPARED
                },
            }
        mp4 = {}
        for faststart in (False, True):
            small = make_mp4(work, 20, faststart)
            big = make_mp4(work, args.mp4_mb, faststart)
            layout = "moov first (faststart)" if faststart else "moov last"
            mp4[f"{args.mp4_mb} MB, {layout}"] = bench_mp4(big, config, work)
            mp4[f"20 MB, {layout}"] = bench_mp4(small, config, work)
            big.unlink()
            small.unlink()
        results["mp4"] = mp4
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


def report(results: dict[str, object]) -> None:
    print(f"exiftool {results['exiftool']}, Python {results['python']}, {os.cpu_count()} CPUs")
    for fmt in ("jpeg", "png"):
        data = results[fmt]
        assert isinstance(data, dict)
        print(f"\n{fmt.upper()}: {data['files']} files of {data['mean_mb']:.2f} MB")
        for name, run in data["runs"].items():
            print(f"  {name:34s} {run['files_per_s']:8.1f} files/s {run['mb_per_s']:8.1f} MB/s")
        for name, ratio in data["ratios"].items():
            print(f"  speed-up {name:62s} {ratio:6.2f}x")
    print("\nMP4 (one file, written to a new file)")
    mp4 = results["mp4"]
    assert isinstance(mp4, dict)
    for name, r in mp4.items():
        ratio = r["exiftool_process_s"] / r["hegui_process_s"]
        print(f"  {name}: {r['size_mb']:.0f} MB")
        print(
            f"    hegui    {r['hegui_write_s']:6.2f} s write, "
            f"{r['hegui_process_s']:6.2f} s process "
            f"({r['size_mb'] / r['hegui_process_s']:.0f} MB/s), peak RSS "
            f"{r['hegui_peak_rss_mb']:.1f} MB (after imports {r['hegui_baseline_rss_mb']:.1f} MB; "
            f"tracemalloc peak {r['hegui_tracemalloc_peak_mb']:.2f} MB)"
        )
        print(
            f"    exiftool {r['exiftool_process_s']:6.2f} s process, peak RSS "
            f"{r['exiftool_peak_rss_mb']:.1f} MB; exiftool/hegui time {ratio:.2f}x"
        )


if __name__ == "__main__":
    sys.exit(main())
