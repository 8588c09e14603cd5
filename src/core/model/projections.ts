// The linear layers of a Llama-family block, by the names transformers and PEFT use (LoRA's
// target_modules). One list for the recipe, the memory estimate and the adapter writer.

export const ATTENTION_PROJECTIONS = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;
export const MLP_PROJECTIONS = ['gate_proj', 'up_proj', 'down_proj'] as const;
export const PROJECTIONS = [...ATTENTION_PROJECTIONS, ...MLP_PROJECTIONS] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** The sub-module of a decoder layer that holds a projection. */
export function projectionBlock(p: Projection): 'self_attn' | 'mlp' {
  return (ATTENTION_PROJECTIONS as readonly string[]).includes(p) ? 'self_attn' : 'mlp';
}
