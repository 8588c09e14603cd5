// Where the code to verify is in a solution document: the whole file for .py/.js, or each fenced
// Python/JavaScript block of a Markdown document, found by the grader's own extractor (only after
// `</think>`, only complete fences).
import { fencedBlocks, languageOfFence } from '../reward/code/extract';

export type SolutionLanguage = 'python' | 'javascript';

export interface CodeBlock {
  /** 0-based line of the first code line (for a fence: the line after the opening fence). */
  startLine: number;
  /** 0-based line of the last code line (inclusive). */
  endLine: number;
  language: SolutionLanguage;
  code: string;
}

/** The sandbox language of a VS Code language id, for whole-file solutions. */
export function languageOfDocument(languageId: string, fileName = ''): SolutionLanguage | undefined {
  if (languageId === 'python' || /\.py$/i.test(fileName)) return 'python';
  if (languageId === 'javascript' || /\.(c|m)?js$/i.test(fileName)) return 'javascript';
  return undefined;
}

export function isMarkdown(languageId: string, fileName = ''): boolean {
  return languageId === 'markdown' || /\.(md|markdown)$/i.test(fileName);
}

/** The whole document (the header line is a comment in both languages, so it stays). */
export function wholeFileBlock(text: string, language: SolutionLanguage): CodeBlock {
  const lines = text.split(/\r?\n/);
  return { startLine: Math.min(1, lines.length - 1), endLine: Math.max(0, lines.length - 1), language, code: text };
}

/** Fenced code blocks in a Markdown text that the sandbox can run: the grader's rule (`fencedBlocks`). */
export function markdownCodeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const b of fencedBlocks(text)) {
    const language = languageOfFence(b.lang);
    if (language && b.closeLine > b.startLine) blocks.push({ startLine: b.startLine, endLine: b.closeLine - 1, language, code: b.code });
  }
  return blocks;
}
