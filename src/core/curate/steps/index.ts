// The curation step registry, in the order the pipeline runs them. Cheap, certain steps first
// (labels, duplicates, contamination), then heuristics, then the slow ones.
import type { CurationStep } from '../step';
import { answerCheckStep } from './answerCheck';
import { codeRulesStep } from './codeRules';
import { dateCutoffStep } from './dateCutoff';
import { decontaminateStep } from './decontaminate';
import { dedupStep } from './dedup';
import { difficultyStep } from './difficulty';
import { labelsStep } from './labels';
import { mathRulesStep } from './mathRules';
import { normalizeStep } from './normalize';
import { referenceSolutionsStep } from './referenceSolutions';

export const CURATION_STEPS: readonly CurationStep[] = [
  normalizeStep,
  labelsStep,
  dedupStep,
  decontaminateStep,
  mathRulesStep,
  codeRulesStep,
  dateCutoffStep,
  answerCheckStep,
  difficultyStep,
  referenceSolutionsStep,
];

export function stepByName(name: string): CurationStep | undefined {
  return CURATION_STEPS.find((s) => s.name === name);
}
