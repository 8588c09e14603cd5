// A job in the CLI process with its progress in a notification (Cancel stops the process).
import * as vscode from 'vscode';
import path from 'node:path';
import type { JobRequest } from '../core/launch/jobProtocol';
import { startJob } from './jobs';

export function cliScript(context: vscode.ExtensionContext): string {
  return path.join(context.extensionUri.fsPath, 'dist', 'cli.js');
}

export async function runJobWithProgress(context: vscode.ExtensionContext, title: string, request: JobRequest, location = vscode.ProgressLocation.Notification): Promise<unknown> {
  return vscode.window.withProgress({ location, title, cancellable: true }, (progress, token) => {
    let reported = 0;
    const job = startJob(request, {
      cliScript: cliScript(context),
      onProgress: (p) => {
        // Notifications add up increments; turn done/total into the step since the last report.
        const pct = p.total ? Math.min(100, (100 * (p.done ?? 0)) / p.total) : undefined;
        const increment = pct !== undefined && pct > reported ? pct - reported : undefined;
        if (pct !== undefined) reported = Math.max(reported, pct);
        progress.report({ message: p.message + (p.total ? ` (${p.done ?? 0}/${p.total})` : ''), increment });
      },
    });
    token.onCancellationRequested(() => job.cancel());
    return job.result;
  });
}
