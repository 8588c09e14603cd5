// How a record becomes the text the policy sees. The full form appends the recipe's instruction
// (AceReason appendix A.1); the compact form drops it for the tiny demo model, whose context is a
// few hundred characters — the instruction is constant, so it carries no information there.
import { CODE_INSTRUCTION, MATH_INSTRUCTION, type PromptRecord } from '../../core/dataset/records';

export function promptText(record: PromptRecord, compact: boolean): string {
  if (compact) return `${record.problem}\n`;
  if (record.domain === 'math') return `${record.problem}\n${MATH_INSTRUCTION}\n`;
  const header = record.starterCode ? `\nFunction header:\n${record.starterCode}\n` : record.fnName ? `\nFunction name: ${record.fnName}\n` : '';
  return `${record.problem}\n${header}\n${CODE_INSTRUCTION}\n`;
}
