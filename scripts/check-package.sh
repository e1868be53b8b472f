#!/usr/bin/env bash
# The package as a user gets it: packs perfgate (npm pack), installs the tarball into a
# scratch project outside the repository, and there runs `perfgate --version`, `perfgate
# validate`, a one-benchmark `perfgate run` of a TypeScript bench file, and type-checks
# `import { bench } from 'perfgate'`. Catches what the repository's own tests cannot see:
# a file missing from package.json's `files`, a runtime dependency left in devDependencies,
# types that do not resolve from an installed package.
#   bash scripts/check-package.sh        (after npm ci; packs dist/ as it is on disk)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/perfgate-package-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() {
  echo "check-package: $*" >&2
  exit 1
}

# Outside the repository, so nothing resolves through its node_modules.
case "$scratch/" in "$root/"*) fail "scratch directory $scratch is inside the repository" ;; esac

version=$(node -p "require('$root/package.json').version")
tarball=$(cd "$root" && npm pack --silent --pack-destination "$scratch")
tarball="$scratch/$tarball"
files=$(tar -tzf "$tarball" | sed 's|^package/||' | sort)
echo "packed $(basename "$tarball"): $(wc -c <"$tarball") bytes, $(echo "$files" | wc -l) files"

# What the package must hold, and what it must not.
for needed in package.json LICENSE README.md CHANGELOG.md bin/perfgate.js api.d.ts \
  dist/cli.js dist/index.js dist/worker.js dist/api.js schema/perfgate.schema.json action.yml; do
  echo "$files" | grep -qx "$needed" || fail "the package lacks $needed"
done
unexpected=$(echo "$files" | grep -Ev '^(package\.json|LICENSE|README\.md|CHANGELOG\.md|action\.yml|api\.d\.ts|bin/perfgate\.js|dist/[^/]+\.js|schema/perfgate\.schema\.json)$' || true)
[ -z "$unexpected" ] || fail "the package holds files it should not: $unexpected"

project="$scratch/project"
mkdir -p "$project/bench"
cd "$project"
cat >package.json <<'JSON'
{ "name": "perfgate-package-check", "private": true, "type": "module" }
JSON
# Dependencies come from npm's cache when it has them (CI has just run npm ci).
npm install --silent --no-audit --no-fund --prefer-offline --save-dev "$tarball"
echo "installed: $(du -sh node_modules | cut -f1) in node_modules, $(($(npm ls --all --parseable 2>/dev/null | wc -l) - 1)) packages"

cat >bench/sum.bench.ts <<'TS'
import { bench, type BenchOptions } from 'perfgate'

const numbers: number[] = Array.from({ length: 1000 }, (_, i) => i)
const options: BenchOptions = { setup: () => undefined }

bench('sum', () => numbers.reduce((a, b) => a + b, 0), options)
TS
# Type-checked, never run: were the types missing or `any`, the expected error would not come.
cat >types-check.ts <<'TS'
import { bench } from 'perfgate'
// @ts-expect-error the name comes first
bench(() => 0, 'sum')
TS
cat >perfgate.yml <<'YAML'
benchmarks:
  - name: sum
    function: { file: bench/sum.bench.ts, time: 50ms, warmup: 20ms }
    budgets: { p50: 1s }
YAML
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "types": []
  },
  "include": ["bench", "types-check.ts"]
}
JSON

got=$(npx --no-install perfgate --version)
[ "$got" = "$version" ] || [ "$got" = "perfgate $version" ] ||
  fail "perfgate --version printed '$got', expected $version"
npx --no-install perfgate validate
npx --no-install perfgate run --trials 2 --out results.json --report report.md
node -e "
const r = JSON.parse(require('fs').readFileSync('results.json', 'utf8'))
const b = r.benchmarks[0]
if (r.tool.version !== '$version' || b.name !== 'sum' || b.state !== 'ok' || b.trials.length !== 2)
  throw new Error('unexpected results: ' + JSON.stringify({ tool: r.tool, name: b.name, state: b.state }))
"
# The project's own TypeScript would do; the repository's stands in for it.
node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json

echo "check-package: packed, installed and ran perfgate $version in $(($(date +%s) - started)) s"
