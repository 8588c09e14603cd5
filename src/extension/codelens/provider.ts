// "Verify against N tests" above a solution whose first line names its problem and dataset. The
// provider only parses that header (and reads the test count from an already loaded dataset); the
// sandbox runs when the lens is clicked. Results belong to a document version: any edit clears them.
import * as vscode from 'vscode';
import path from 'node:path';
import { parseSolutionHeader, type SolutionHeader } from '../../core/codelens/header';
import { isMarkdown, languageOfDocument, markdownCodeBlocks, wholeFileBlock, type CodeBlock } from '../../core/codelens/codeBlocks';
import { ProblemIndex, resolveDatasetPath } from '../../core/codelens/problemIndex';
import { failureMessage, idleLensTitle, resultLensTitle, summarizeRun, type VerificationSummary } from '../../core/codelens/verdictText';
import type { CodeSandbox } from '../../core/reward/code';

export const VERIFY_COMMAND = 'acereason.verifySolution';

type BlockState =
  | { kind: 'running' }
  | { kind: 'done'; summary: VerificationSummary }
  | { kind: 'error'; message: string };

interface DocumentResults { version: number; blocks: Map<number, BlockState> }

export interface SolutionLensDeps {
  output: vscode.OutputChannel;
  workspaceDir: () => string | undefined;
  sandbox: () => CodeSandbox;
  limits: () => { timeoutS: number; memoryMb: number };
}

export class SolutionCodeLensProvider implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('acereason');
  private readonly results = new Map<string, DocumentResults>();
  private readonly problems = new ProblemIndex();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: SolutionLensDeps) {
    this.disposables.push(
      this.changed, this.diagnostics,
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.forget(e.document.uri); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (doc.lineCount === 0) return [];
    const parsed = parseSolutionHeader(doc.lineAt(0).text);
    if (parsed.kind === 'none') return [];
    if (parsed.kind === 'invalid') {
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: `⚠ ${parsed.error}`, command: '' })];
    }
    const blocks = this.blocksOf(doc);
    if (blocks.length === 0) {
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'AceReason: no Python or JavaScript code block to verify', command: '' })];
    }
    const file = this.datasetFile(doc, parsed.header);
    let count: number | undefined;
    const known = this.problems.peek(file, parsed.header.problemId);
    if (known) count = known.tests.length;
    else if (known === undefined) {
      // Load in the background; the lenses gain their test count when it is done.
      this.problems.load(file).then(() => this.changed.fire(), () => undefined);
    }
    const results = this.currentResults(doc);
    return blocks.map((b) => {
      const lensLine = isMarkdown(doc.languageId, doc.fileName) ? Math.max(0, b.startLine - 1) : b.startLine;
      const state = results?.blocks.get(b.startLine);
      const title = !state ? idleLensTitle(count)
        : state.kind === 'running' ? '$(sync~spin) Verifying…'
          : state.kind === 'error' ? `⚠ ${state.message.slice(0, 200)}` : resultLensTitle(state.summary);
      return new vscode.CodeLens(new vscode.Range(lensLine, 0, lensLine, 0), {
        title, command: VERIFY_COMMAND, arguments: [doc.uri, b.startLine],
        tooltip: `Run this code against the tests of ${parsed.header.problemId} in the sandbox`,
      });
    });
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const results = this.currentResults(doc);
    if (!results) return undefined;
    for (const b of this.blocksOf(doc)) {
      const state = results.blocks.get(b.startLine);
      if (state?.kind !== 'done') continue;
      const lensLine = isMarkdown(doc.languageId, doc.fileName) ? Math.max(0, b.startLine - 1) : b.startLine;
      if (pos.line !== 0 && pos.line !== lensLine) continue;
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**AceReason** ');
      md.appendText(resultLensTitle(state.summary));
      for (const f of state.summary.failures.slice(0, 10)) {
        md.appendMarkdown('\n\n---\n\n');
        md.appendText(`Test ${f.index + 1}: ${f.status}${f.message ? ` — ${f.message}` : ''}`);
        md.appendMarkdown('\n\ninput');
        md.appendCodeblock(f.input.slice(0, 2000), 'text');
        md.appendMarkdown('expected');
        md.appendCodeblock(f.expected.slice(0, 2000), 'text');
        md.appendMarkdown('actual');
        md.appendCodeblock((f.actual || '(no output)').slice(0, 2000), 'text');
      }
      if (state.summary.failures.length > 10) md.appendText(`\n\n… and ${state.summary.failures.length - 10} more failing tests`);
      return new vscode.Hover(md, doc.lineAt(pos.line).range);
    }
    return undefined;
  }

  /** The command behind the lens; with no arguments it verifies the active editor. */
  async verify(uriArg?: vscode.Uri, startLine?: number): Promise<VerificationSummary | undefined> {
    const editor = vscode.window.activeTextEditor;
    const doc = uriArg ? await vscode.workspace.openTextDocument(uriArg) : editor?.document;
    if (!doc) { void vscode.window.showInformationMessage('AceReason: open a solution file whose first line is "# acereason: problem=<id> dataset=<path>".'); return; }
    const parsed = parseSolutionHeader(doc.lineCount ? doc.lineAt(0).text : '');
    if (parsed.kind !== 'ok') {
      void vscode.window.showWarningMessage(parsed.kind === 'none'
        ? 'AceReason: this document has no "# acereason: problem=<id> dataset=<path>" first line.' : parsed.error);
      return;
    }
    const blocks = this.blocksOf(doc);
    const cursor = !uriArg && editor?.document === doc ? editor.selection.active.line : -1;
    const block = blocks.find((b) => b.startLine === startLine)
      ?? blocks.find((b) => cursor >= b.startLine - 1 && cursor <= b.endLine) ?? blocks[0];
    if (!block) { void vscode.window.showWarningMessage('AceReason: no Python or JavaScript code to verify in this document.'); return; }

    const version = doc.version;
    const results = this.resultsFor(doc);
    results.blocks.set(block.startLine, { kind: 'running' });
    this.changed.fire();
    try {
      const record = await this.problems.get(this.datasetFile(doc, parsed.header), parsed.header.problemId);
      const limits = this.deps.limits();
      const run = await this.deps.sandbox().runTests({
        code: block.code, language: block.language, tests: record.tests,
        fnName: record.format === 'functional' ? record.fnName : undefined,
        timeoutS: record.timeLimitS ?? limits.timeoutS, memoryMb: record.memoryLimitMb ?? limits.memoryMb,
        stopOnFirstFailure: false,
      });
      const summary = summarizeRun(run, record.tests);
      this.deps.output.appendLine(`[verify] ${parsed.header.problemId}: ${resultLensTitle(summary)}`);
      if (doc.version !== version) return summary; // edited while running: the result is stale
      results.blocks.set(block.startLine, { kind: 'done', summary });
      this.publishDiagnostics(doc, results);
      return summary;
    } catch (e) {
      const message = (e as Error).message;
      this.deps.output.appendLine(`[verify] ${parsed.header.problemId} failed: ${message}`);
      if (doc.version === version) results.blocks.set(block.startLine, { kind: 'error', message });
      void vscode.window.showErrorMessage(`AceReason: could not verify: ${message}`);
      return undefined;
    } finally {
      this.changed.fire();
    }
  }

  private blocksOf(doc: vscode.TextDocument): CodeBlock[] {
    if (isMarkdown(doc.languageId, doc.fileName)) return markdownCodeBlocks(doc.getText());
    const language = languageOfDocument(doc.languageId, doc.fileName);
    return language ? [wholeFileBlock(doc.getText(), language)] : [];
  }

  private datasetFile(doc: vscode.TextDocument, header: SolutionHeader): string {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? this.deps.workspaceDir();
    const documentDir = doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : undefined;
    return resolveDatasetPath(header.dataset, { workspaceDir: folder, documentDir });
  }

  private currentResults(doc: vscode.TextDocument): DocumentResults | undefined {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r : undefined;
  }

  private resultsFor(doc: vscode.TextDocument): DocumentResults {
    let r = this.currentResults(doc);
    if (!r) {
      r = { version: doc.version, blocks: new Map() };
      this.results.set(doc.uri.toString(), r);
    }
    return r;
  }

  private publishDiagnostics(doc: vscode.TextDocument, results: DocumentResults): void {
    const diagnostics: vscode.Diagnostic[] = [];
    for (const [startLine, state] of results.blocks) {
      if (state.kind !== 'done') continue;
      const line = Math.min(startLine, doc.lineCount - 1);
      const range = doc.lineAt(line).range;
      for (const f of state.summary.failures) {
        const d = new vscode.Diagnostic(range, failureMessage(f), vscode.DiagnosticSeverity.Error);
        d.source = 'AceReason';
        d.code = `test ${f.index + 1}`;
        diagnostics.push(d);
      }
    }
    this.diagnostics.set(doc.uri, diagnostics);
  }

  private forget(uri: vscode.Uri): void {
    if (!this.results.delete(uri.toString())) return;
    this.diagnostics.delete(uri);
    this.changed.fire();
  }
}
