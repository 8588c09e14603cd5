// Code extraction from a model response, as the recipe does it: only the text after the last
// `</think>` counts (a response still inside its thinking has no answer), and the answer is the last
// complete fenced code block there.

export interface ExtractedCode {
  code: string;
  /** The fence's info string, lower-cased (`python`, `py`, `javascript`, …), or '' when absent. */
  lang: string;
}

const FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm;

export function extractCodeBlock(response: string): ExtractedCode | null {
  let answer = response;
  const close = response.lastIndexOf('</think>');
  if (close >= 0) answer = response.slice(close + '</think>'.length);
  else if (response.includes('<think>')) return null;
  let last: ExtractedCode | null = null;
  for (const m of answer.matchAll(FENCE)) {
    last = { code: m[3].replace(/\n$/, ''), lang: m[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '' };
  }
  return last;
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
