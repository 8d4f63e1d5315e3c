#!/usr/bin/env bash
# Measures the .xlsx writers GiaiNgan could use, on the same workbook (README "Official reports"):
# libxlsxwriter (Debian libxlsxwriter-dev, what GiaiNgan uses), in its normal and constant-memory
# modes, against hand-written SpreadsheetML zipped with ZIPFoundation (the other way a Swift program
# can write .xlsx here). For each: a clean release build's time, and per run wall time, peak RSS and
# file size (median of --runs); then both files are read back with openpyxl.
#
#   scripts/bench-xlsx.sh [--rows 20000] [--runs 3]
set -euo pipefail
rows=20000
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "usage: $0 [--rows N] [--runs K]" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/bench-xlsx"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

build() { # product scratch
    rm -rf "$2"
    local start end
    start=$(date +%s.%N)
    swift build -c release --product "$1" --scratch-path "$2" >"$out/build-$1.log" 2>&1 || { cat "$out/build-$1.log"; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "building (clean, release)…"
lib_build=$(build LibXlsxWriterBench .build-bench-lib)
hand_build=$(build HandWrittenBench .build-bench-hand)

measure() { # label binary args...
    local label=$1; shift
    local times=() rss=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null
        read -r t m <"$out/time"
        times+=("$t"); rss+=("$m")
    done
    local t m size
    t=$(printf '%s\n' "${times[@]}" | median)
    m=$(printf '%s\n' "${rss[@]}" | median)
    size=$(stat -c %s "${@: -1}" 2>/dev/null || stat -c %s "${@: -2:1}")
    printf '| %s | %s | %d | %.1f |\n' "$label" "$t" "$((m / 1024))" "$(echo "$size / 1048576" | bc -l)"
}

echo
echo "rows: $rows, runs: $runs (median), $(nproc) cores"
echo
echo "| writer | wall s | peak RSS MB | file MB |"
echo "|---|---:|---:|---:|"
measure "libxlsxwriter" .build-bench-lib/release/LibXlsxWriterBench "$rows" "$out/lib.xlsx"
measure "libxlsxwriter, constant memory (no merges)" .build-bench-lib/release/LibXlsxWriterBench "$rows" "$out/lib-constant.xlsx" constant
measure "hand-written XML + ZIPFoundation" .build-bench-hand/release/HandWrittenBench "$rows" "$out/hand.xlsx"
echo
printf 'clean release build: libxlsxwriter bench %.1f s (the C library is prebuilt by Debian); ZIPFoundation bench %.1f s\n' "$lib_build" "$hand_build"
echo
python3 - "$out/lib.xlsx" "$out/lib-constant.xlsx" "$out/hand.xlsx" <<'PY'
import sys, openpyxl
for path in sys.argv[1:]:
    ws = openpyxl.load_workbook(path, read_only=False).worksheets[0]
    print(f"{path.rsplit('/', 1)[-1]}: {ws.max_row} rows, merged {sorted(str(r) for r in ws.merged_cells.ranges)}, "
          f"frozen {ws.freeze_panes}, filter {ws.auto_filter.ref}, D3 {ws['D3'].value} {ws['D3'].number_format}, J3 {ws['J3'].number_format}")
PY
rm -rf .build-bench-lib .build-bench-hand
