// Where the code to verify is in a solution document: the whole file for .py/.js, or each fenced
// Python/JavaScript block of a Markdown document (only after `</think>` when the text has one, as
// the recipe's reward does).
import { languageOfFence } from '../reward/code/extract';

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

const OPEN = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

/** Fenced code blocks in a Markdown text that the sandbox can run. */
export function markdownCodeBlocks(text: string): CodeBlock[] {
  const lines = text.split(/\r?\n/);
  let from = 0;
  let thinkEnd = -1;
  lines.forEach((l, i) => { if (l.includes('</think>')) thinkEnd = i; });
  if (thinkEnd >= 0) from = thinkEnd;
  else if (lines.some((l) => l.includes('<think>'))) return [];
  const blocks: CodeBlock[] = [];
  for (let i = from; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const closeRe = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    let j = i + 1;
    while (j < lines.length && !closeRe.test(lines[j])) j++;
    if (j >= lines.length) break; // an unclosed fence is not a complete answer
    const language = languageOfFence(open[2].toLowerCase());
    if (language && j > i + 1) {
      blocks.push({ startLine: i + 1, endLine: j - 1, language, code: lines.slice(i + 1, j).join('\n') });
    }
    i = j;
  }
  return blocks;
}
