// The curator page shell: a strict CSP (scripts only with our nonce, styles and fonts only from the
// extension), the stylesheets and the bundle. The page builds its own DOM from dist/webview/curator.js.
// Kept free of `vscode` so the webview test loads exactly the page the extension serves.
import { contentSecurityPolicy, escapeAttr as attr, newNonce } from '../webviewPage';

export interface CuratorPageAssets {
  /** The webview's `cspSource` (the origin asWebviewUri URLs live on). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** KaTeX's stylesheet (dist/webview/katex/katex.min.css), for typeset LaTeX. */
  katexStyleUri?: string;
  nonce?: string;
  /** 'sidebar' (the narrow view: list above detail) or 'editor' (a tab: wide table, detail beside it). */
  layout?: 'sidebar' | 'editor';
}

export { newNonce };

export function curatorHtml(a: CuratorPageAssets): string {
  const nonce = a.nonce ?? newNonce();
  const csp = contentSecurityPolicy(a.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(a.codiconUri)}" id="vscode-codicon-stylesheet">
${a.katexStyleUri ? `<link rel="stylesheet" href="${attr(a.katexStyleUri)}">
` : ''}<link rel="stylesheet" href="${attr(a.styleUri)}">
<title>Dataset Curator</title>
</head>
<body data-layout="${a.layout ?? 'sidebar'}">
<div id="app"></div>
<script nonce="${attr(nonce)}" src="${attr(a.scriptUri)}"></script>
</body>
</html>`;
}
