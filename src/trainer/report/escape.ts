// Everything untrusted (model responses, prompts, verdicts, recipe text) passes through here before
// it lands in report.html; report.md escapes Markdown table syntax and backticks.
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** For a Markdown table cell: no pipes, no newlines, no HTML, no code spans breaking out. */
export function escapeMarkdownCell(text: string): string {
  return escapeHtml(String(text)).replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/\r?\n/g, ' ⏎ ');
}
