/**
 * Overlong filtering (DAPO; NeMo-RL `overlong_filtering`, TRL `mask_truncated_completions`): a
 * response cut off at the maximum length is dropped from the loss instead of being punished as
 * wrong. Returns, per response, whether it counts.
 */
export function overlongMask(truncated: readonly boolean[], enabled: boolean): boolean[] {
  return truncated.map((t) => !(enabled && t));
}
