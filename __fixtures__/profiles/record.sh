#!/bin/sh
# Records base.cpuprofile and head.cpuprofile (see README.md). Run from anywhere:
#   sh __fixtures__/profiles/record.sh
# The program is copied to /tmp/perfgate-profile-fixture/{base,head} first, so the
# paths inside the profiles are the same on every machine that re-records them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=/tmp/perfgate-profile-fixture
rm -rf "$root"
for side in base head; do
  mkdir -p "$root/$side"
  cp "$here/program/work.js" "$here/program/main.js" "$root/$side/"
  mkdir -p "$root/$side/node_modules/@acme/pad"
  cp "$here/program/vendor/acme-pad.js" "$root/$side/node_modules/@acme/pad/index.js"
done
run() {
  side=$1
  shift
  (cd "$root/$side" && env "$@" OPS=4000 OPS_FILE="$root/$side/ops.json" \
    node --no-turbo-inlining --cpu-prof --cpu-prof-interval 250 --cpu-prof-dir "$root/$side/prof" main.js)
  cp "$root/$side"/prof/*.cpuprofile "$here/$side.cpuprofile"
  node -e "const o=require('$root/$side/ops.json');process.stdout.write(JSON.stringify(o.ops))" > "$here/$side.ops"
}
run base SLOW=1 EXTRA=0
run head SLOW=2 EXTRA=1
echo "recorded: base $(cat "$here/base.ops") ops, head $(cat "$here/head.ops") ops"
