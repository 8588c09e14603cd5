// The final answer of a worked solution: the content of its last \boxed{…} (or \fbox{…}), with
// nested braces balanced. Used to derive MathRecord.answer from {problem, solution} datasets.

const BOX_COMMANDS = ['\\boxed', '\\fbox'];

export function lastBoxedContent(text: string): string | undefined {
  let best = -1;
  let bestCommand = '';
  for (const command of BOX_COMMANDS) {
    const at = text.lastIndexOf(command);
    if (at > best) {
      best = at;
      bestCommand = command;
    }
  }
  if (best < 0) return undefined;
  let i = best + bestCommand.length;
  while (i < text.length && text[i] === ' ') i++;
  if (text[i] !== '{') {
    // "\boxed 5" (no braces): the answer is the next token.
    const m = /^\s*([^\s$]+)/.exec(text.slice(best + bestCommand.length));
    return m ? m[1] : undefined;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++; // an escaped brace does not count
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(i + 1, j).trim();
    }
  }
  return undefined;
}
