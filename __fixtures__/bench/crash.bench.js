// The worker dies while loading the file, before any result.
console.error('fatal: out of coffee')
process.exit(7)
