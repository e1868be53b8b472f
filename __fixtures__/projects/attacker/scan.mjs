// "Pull request code" for the secrets tests: reads every /proc/*/environ and /proc/*/cmdline
// it can, as an attacker would, and records where a value starting with the test's secret
// prefix shows up, into REPORT_DIR (the test writes the directory in before committing).
// Run as `node scan.mjs <where>`, or imported and called.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const PREFIX = 'pgsecret'
const REPORT_DIR = '__REPORT_DIR__'

function ancestors() {
  const chain = []
  let pid = process.pid
  while (pid > 1) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (pid > 1) chain.push(pid)
  }
  return chain
}

/** Scans /proc; appends a report `<where>-<pid>.txt` to REPORT_DIR. */
export function scan(where) {
  const read = []
  const found = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    for (const file of ['environ', 'cmdline']) {
      let text
      try {
        text = readFileSync(`/proc/${pid}/${file}`).toString('latin1')
      } catch {
        continue
      }
      if (file === 'environ') read.push(Number(pid))
      for (const entry of text.split('\0')) {
        if (entry.includes(PREFIX)) found.push(`found ${pid} ${file} ${entry}`)
      }
    }
  }
  const lines = [`ancestors ${ancestors().join(' ')}`, `read ${read.join(' ')}`, ...found]
  appendFileSync(path.join(REPORT_DIR, `${where}-${process.pid}.txt`), lines.join('\n') + '\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  scan(process.argv[2])
}
