// Every supported architecture, one line each. Adding one = one file in this folder + one line here.
import type { Family } from './family';
import { gpt2 } from './gpt2';
import { llama } from './llama';
import { mistral } from './mistral';
import { qwen2 } from './qwen2';
import { qwen3 } from './qwen3';

export type { Family, FamilyTensor, FolderConfig } from './family';

export const FAMILIES: readonly Family[] = [llama, qwen2, qwen3, mistral, gpt2];

export function familyOf(architecture: string): Family | undefined {
  return FAMILIES.find((f) => f.architecture === architecture);
}
