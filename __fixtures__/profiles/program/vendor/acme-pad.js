// A stand-in dependency: record.sh installs it as node_modules/@acme/pad, so profiles hold a package.
function pad(text, width) {
  let out = text
  while (out.length < width) out = ' ' + out
  for (let i = 0; i < 20; i++) out = out.trim().padStart(width)
  return out
}
module.exports = { pad }
