// The recipe's math on plain arrays: GRPO advantages, loss aggregation, pass@k, recipe, schedule.
export * from './advantages';
export * from './lossAggregation';
export * from './overlong';
export * from './policyLoss';
export * from './passAtK';
export * from './recipe';
export * from './presets';
export * from './schedule';
export * from './curriculum';
export * from './stats';
export * from './rng';
