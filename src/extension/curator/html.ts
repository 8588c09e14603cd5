// The curator page shell: a strict CSP (scripts only with our nonce, styles and fonts only from the
// extension), the stylesheets and the bundle. The page builds its own DOM from dist/webview/curator.js.
// Kept free of `vscode` so the webview test loads exactly the page the extension serves.
import { randomBytes } from 'node:crypto';

export interface CuratorPageAssets {
  /** The webview's `cspSource` (the origin asWebviewUri URLs live on). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function curatorHtml(a: CuratorPageAssets): string {
  const nonce = a.nonce ?? newNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${a.cspSource}`,
    `font-src ${a.cspSource}`,
    `img-src ${a.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(a.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attr(a.styleUri)}">
<title>Dataset Curator</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attr(nonce)}" src="${attr(a.scriptUri)}"></script>
</body>
</html>`;
}
