// The preset registry. Order matters for auto-detection: the more specific layout comes first.
import { acereasonCodePreset, acereasonMathPreset } from './acereason';
import { appsPreset } from './apps';
import { codeFunctionalPreset, codeStdinPreset, codeTestsPreset } from './codeTests';
import { liveCodeBenchPreset } from './liveCodeBench';
import { mathAnswerPreset } from './mathAnswer';
import { mathSolutionPreset } from './mathSolution';
import type { DatasetPreset } from './preset';

export type { DatasetPreset, RowContext } from './preset';

export const PRESETS: readonly DatasetPreset[] = [
  acereasonMathPreset,
  acereasonCodePreset,
  mathAnswerPreset,
  mathSolutionPreset,
  appsPreset,
  liveCodeBenchPreset,
  codeTestsPreset,
  codeStdinPreset,
  codeFunctionalPreset,
];

export function presetByName(name: string): DatasetPreset | undefined {
  return PRESETS.find((p) => p.name === name);
}
