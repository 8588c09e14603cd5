// Code extraction from a model response, as the recipe does it: only the text after the last
// `</think>` counts (a response still inside its thinking has no answer), and the answer is the last
// complete fenced code block there. The one implementation of the rule: the grader, the dashboard's
// sample documents and the CodeLens (which needs each block's lines) all call `fencedBlocks`.

export interface ExtractedCode {
  code: string;
  /** The fence's info string, lower-cased (`python`, `py`, `javascript`, …), or '' when absent. */
  lang: string;
}

export interface FencedBlock extends ExtractedCode {
  /** 0-based line (in the whole text) of the first code line: the line after the opening fence. */
  startLine: number;
  /** 0-based line of the closing fence; the code is lines [startLine, closeLine). */
  closeLine: number;
}

const OPEN = /^[ \t]*(`{3,}|~{3,})[ \t]*([^`\n]*)$/;

/** Where the answer starts: after the last `</think>`; null while the response is still thinking. */
export function answerStart(text: string): { offset: number } | null {
  const close = text.lastIndexOf('</think>');
  if (close >= 0) return { offset: close + '</think>'.length };
  return text.includes('<think>') ? null : { offset: 0 };
}

/**
 * Every complete fenced block of the answer part of `text` (CommonMark fences: ``` or ~~~, closed by
 * a line of at least as many of the same character; an unclosed fence ends the scan).
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const start = answerStart(text);
  if (!start) return [];
  const firstLine = text.slice(0, start.offset).split('\n').length - 1;
  const lines = text.slice(start.offset).split('\n').map((l) => l.replace(/\r$/, ''));
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const close = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j])) j++;
    if (j >= lines.length) break;
    blocks.push({
      code: lines.slice(i + 1, j).join('\n'),
      lang: open[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '',
      startLine: firstLine + i + 1,
      closeLine: firstLine + j,
    });
    i = j;
  }
  return blocks;
}

/** The answer's last complete fenced block, or null when there is none (what the grader runs). */
export function extractCodeBlock(response: string): ExtractedCode | null {
  const blocks = fencedBlocks(response);
  const last = blocks[blocks.length - 1];
  return last ? { code: last.code, lang: last.lang } : null;
}

/** The code of the last fenced block after `</think>`, or null when there is none. */
export function extractCode(response: string): string | null {
  return extractCodeBlock(response)?.code ?? null;
}

/** The sandbox language a fence tag names, or undefined for other/absent tags. */
export function languageOfFence(lang: string): 'python' | 'javascript' | undefined {
  if (['python', 'python3', 'py', 'py3'].includes(lang)) return 'python';
  if (['javascript', 'js', 'node', 'nodejs'].includes(lang)) return 'javascript';
  return undefined;
}
