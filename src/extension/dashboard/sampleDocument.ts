// Opens a sampled response as a file under its run folder (text from sampleText.ts). A file that is
// already there is opened as it is, so the user's edits to a solution are never overwritten.
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { SampleRecord } from '../../core/protocol/trainer';
import { writeFileAtomic } from '../../core/util/atomic';
import { runDataset, sampleDocumentPath, sampleDocumentText } from './sampleText';

export async function openSampleDocument(sample: SampleRecord, run: { dir: string; config: string } | undefined): Promise<string | undefined> {
  const { language, content } = sampleDocumentText(sample, runDataset(run?.config, sample.domain));
  let doc: vscode.TextDocument;
  let file: string | undefined;
  if (run) {
    file = sampleDocumentPath(run.dir, sample);
    if (!fs.existsSync(file)) writeFileAtomic(file, content);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  } else {
    doc = await vscode.workspace.openTextDocument({ language, content });
  }
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  return file;
}
