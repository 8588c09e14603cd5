// Every built-in task family, one line each. Adding a family = one file (or one export) + one line.
import { fractionSum, linearEquation, twoStep, wordProblem } from './mathFamilies';
import { functionCall, stdinAffine, stdinList, stdinPair } from './codeFamilies';
import type { TaskFamily } from './types';

export const MATH_FAMILIES: TaskFamily[] = [wordProblem, twoStep, linearEquation, fractionSum];
export const CODE_FAMILIES: TaskFamily[] = [stdinPair, stdinAffine, stdinList, functionCall];
