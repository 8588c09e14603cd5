// The reward registry: a recipe picks one reward by name per domain (`rewards.math`, `rewards.code`;
// the defaults are the recipe's verifications). A new reward = one file beside this one exporting a
// RegisteredReward + one line below.
import { codeTestsReward } from './codeTests';
import { mathVerifyReward } from './mathVerify';
import type { RegisteredReward } from './types';

export const REWARDS: Readonly<Record<string, RegisteredReward>> = {
  'math-verify': mathVerifyReward,
  'code-tests': codeTestsReward,
};

export { DEFAULT_REWARDS } from '../../../core/rl/recipe';
