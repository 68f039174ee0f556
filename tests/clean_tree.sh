#!/usr/bin/env bash
# Fails when the checkout holds anything git would show: every file a build, the demo
# or the tests write must go under an ignored folder (.gitignore: build*/, out/, ...).
# Run it after `bash tests/run.sh` (which does) or `bash bench/demo.sh`; outside a git
# checkout (a release tarball) there is nothing to check. Your own uncommitted edits
# count too: commit or stash them first, or set TRAJCORR_SKIP_CLEAN_TREE=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${TRAJCORR_SKIP_CLEAN_TREE:-}" ]; then
  echo "clean_tree: skipped (TRAJCORR_SKIP_CLEAN_TREE is set)"
  exit 0
fi
if ! git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "clean_tree: $root is not a git checkout: nothing to check"
  exit 0
fi
status=$(git -C "$root" status --porcelain --untracked-files=all)
if [ -n "$status" ]; then
  echo "clean_tree: FAIL: the checkout is not clean (git status --porcelain):" >&2
  echo "$status" | sed 's/^/  /' >&2
  echo "clean_tree: outputs belong under an ignored folder (build*/, out/); commit or stash your own edits, or set TRAJCORR_SKIP_CLEAN_TREE=1" >&2
  exit 1
fi
echo "clean_tree: OK (git status --porcelain is empty)"
