// Opens a sampled response as an untitled editor document (text from sampleText.ts).
import * as vscode from 'vscode';
import type { SampleRecord } from '../../core/protocol/trainer';
import { runDataset, sampleDocumentText } from './sampleText';

export async function openSampleDocument(sample: SampleRecord, configFile: string | undefined): Promise<void> {
  const { language, content } = sampleDocumentText(sample, runDataset(configFile, sample.domain));
  const doc = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}
