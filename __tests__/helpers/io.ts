// An in-memory CliIo: what a command printed on stdout and stderr, for assertions.
export function captureIo(cwd: string) {
  const out = { stdout: '', stderr: '' }
  return {
    out,
    io: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      cwd
    }
  }
}
