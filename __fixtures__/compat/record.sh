#!/usr/bin/env bash
# Records the compatibility fixture of this checkout's perfgate version into
# __fixtures__/compat/<version>/ (see README.md beside this script). Run it once per
# release that changes a stored format, from a checkout whose dist/ is freshly built:
#   npm run build && bash __fixtures__/compat/record.sh
# It measures for real (a few seconds); the recorded files are kept as they come out.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(node -p "require('$root/package.json').version")
out="$root/__fixtures__/compat/$version"
if [ -e "$out" ]; then
  echo "$out exists: a recorded fixture is never re-recorded" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export GIT_AUTHOR_NAME=dev GIT_AUTHOR_EMAIL=dev@localhost
export GIT_COMMITTER_NAME=dev GIT_COMMITTER_EMAIL=dev@localhost
git init --quiet --bare --initial-branch=main "$tmp/origin.git"
git clone --quiet "$tmp/origin.git" "$tmp/work" 2>/dev/null
cp -r "$root/__fixtures__/projects/ab/." "$tmp/work/"
cd "$tmp/work"

# Three pushes to main, each measured and stored by the action as a runner runs it (the
# data branch, its index and the dashboard), with fixed commit dates.
for i in 1 2 3; do
  sed -i "s/ITERATIONS = [0-9]*/ITERATIONS = $((19000 + 1000 * i))/" src/work.js
  git add -A
  GIT_AUTHOR_DATE="2026-12-0${i}T12:00:00Z" GIT_COMMITTER_DATE="2026-12-0${i}T12:00:00Z" \
    git commit --quiet -m "main $i"
  git push --quiet origin HEAD:main
  printf '{"repository":{"default_branch":"main"}}' >"$tmp/event.json"
  : >"$tmp/summary.md"
  : >"$tmp/output.txt"
  env -i PATH="$PATH" HOME="$HOME" CI=true GITHUB_ACTIONS=true \
    GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$tmp/event.json" GITHUB_REF=refs/heads/main \
    GITHUB_SHA="$(git rev-parse HEAD)" GITHUB_REPOSITORY=octo/orders \
    GITHUB_SERVER_URL=https://github.com GITHUB_API_URL=http://127.0.0.1:9 \
    GITHUB_WORKSPACE="$tmp/work" GITHUB_STEP_SUMMARY="$tmp/summary.md" \
    GITHUB_OUTPUT="$tmp/output.txt" INPUT_TOKEN=unused INPUT_CONFIG=perfgate.yml \
    INPUT_WORKING-DIRECTORY="$tmp/work" INPUT_DASHBOARD=true \
    node "$root/dist/index.js" >"$tmp/action.log" 2>&1 || {
    cat "$tmp/action.log" >&2
    exit 1
  }
done

mkdir -p "$out"
# A pull request's A/B results (head against its parent, side by side) and the plain
# results of main's tip, as the CLI writes them.
git checkout --quiet -b feature
sed -i "s/ITERATIONS = [0-9]*/ITERATIONS = 30000/" src/work.js
git add -A
GIT_AUTHOR_DATE="2026-12-04T12:00:00Z" GIT_COMMITTER_DATE="2026-12-04T12:00:00Z" \
  git commit --quiet -m "feature"
status=0
node "$root/bin/perfgate.js" run --base main --out "$out/ab-results.json" >/dev/null || status=$?
[ "$status" -le 1 ] || exit "$status"
git checkout --quiet main
status=0
node "$root/bin/perfgate.js" run --out "$out/results.json" >/dev/null || status=$?
[ "$status" -le 1 ] || exit "$status"

# The repository as the action left it: main, the feature branch and perfgate-data.
git push --quiet origin feature
git -C "$tmp/origin.git" bundle create "$out/repository.bundle" --all 2>/dev/null
git -C "$tmp/origin.git" for-each-ref --format='%(objectname) %(refname)' >"$out/refs.txt"
echo "recorded $out"
