/** Text made safe for HTML element content and attribute values (the pages perfgate writes). */
// Control characters become U+FFFD: they have no place in a page.
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd') // eslint-disable-line no-control-regex
}
