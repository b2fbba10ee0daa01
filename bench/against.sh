#!/usr/bin/env bash
# Run benchmarks on an earlier commit with this checkout's .venv, to print "before" beside today's figures:
#   bench/against.sh REV [bench arguments...]      e.g.  bench/against.sh 1520677 backbone_read
#   bench/against.sh REV profile_read [arguments]  this checkout's read profile (bench/profile_read.py) of REV's code
# The commit is checked out in a temporary git worktree; its packages are put first on PYTHONPATH (the
# servers the benchmarks start in child processes inherit it), so its code runs, not this checkout's.
# Run it alone on a quiet machine, as every benchmark.
set -euo pipefail
rev="${1:?usage: bench/against.sh REV [bench arguments...]}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
tree="$(mktemp -d)/gongjian-$rev"
git -C "$root" worktree add --detach --quiet "$tree" "$rev"
trap 'git -C "$root" worktree remove --force "$tree"' EXIT
paths="$tree/src:$tree/shared/src"
for service in "$tree"/services/*/src; do paths="$paths:$service"; done
cd "$tree"
if [ "${1:-}" = profile_read ]; then
    shift
    cp "$root/bench/profile_read.py" "$tree/bench/profile_read.py"
    PYTHONPATH="$paths" "$root/.venv/bin/python" -m bench.profile_read "$@"
else
    PYTHONPATH="$paths" "$root/.venv/bin/python" -m bench "$@"
fi
