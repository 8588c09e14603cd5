// The head every self-contained report page shares (run report, seeds report, ablation report): a CSP
// that allows no script and no fetch, and one base style; each page adds its own rules.
import { escapeHtml } from './escape';

const BASE_CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:20px} h2{font-size:16px;margin-top:28px} table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right} th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.chart{display:inline-block;margin:6px} svg .t{font-size:13px;font-weight:600} svg .a{font-size:10px;fill:#555}
svg .g{stroke:#eee} svg .m{stroke:#999;stroke-dasharray:4 3}`;

/** `<!doctype html>…<body>` with the title escaped and `extraCss` appended to the base style. */
export function reportHead(title: string, extraCss: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
${BASE_CSS}
${extraCss}
</style></head><body>`;
}
