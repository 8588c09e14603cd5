#!/usr/bin/env bash
# AceReason Studio — verl launch script, stage 3/6: math-24k
# recipe 'acereason': math RL, max response 24576 tokens, 16 rollouts/prompt, T=0.85, lr=0.000001, 400 steps.
# Strictly on-policy GRPO: ppo_mini_batch_size == train_batch_size, ppo_epochs=1, no KL, entropy_coeff=0.
# Mode: ray-job. Read it, then run it: bash 03-math-24k.sh
set -euo pipefail

STAGE_DIR=/runs/acereason/03-math-24k
mkdir -p "$STAGE_DIR"
# verl's file logger: the AceReason dashboard follows this file (AceReason: Open Metrics File…).
export VERL_FILE_LOGGER_PATH="$STAGE_DIR/metrics.jsonl"
export ACEREASON_REWARD_URL="${ACEREASON_REWARD_URL:-http://127.0.0.1:8321}"

# Start from the previous stage's last checkpoint (saved with hf_model).
PREV_CKPT=/runs/acereason/02-math-16k/checkpoints
STEP=$(cat "$PREV_CKPT/latest_checkpointed_iteration.txt")
MODEL_PATH="${MODEL_PATH_OVERRIDE:-$PREV_CKPT/global_step_${STEP}/actor/huggingface}"

# Curriculum: drop prompts the last math stage solved more than 0.375 of the time; export into this stage's folder.
# (needs the acereason CLI on PATH: npm install -g <the AceReason Studio package>, or npx acereason)
acereason export verl --input "${ACEREASON_CURATED_MATH:?set to the curated math JSONL}" --domain math \
    --out "$STAGE_DIR/data" --reward-url "$ACEREASON_REWARD_URL" \
    --filter-rollouts /runs/acereason/02-math-16k/rollouts --drop-solved-above 0.375

RAY_ADDRESS="${RAY_ADDRESS:-http://127.0.0.1:8265}"
ray job submit --address "$RAY_ADDRESS" --no-wait \
    --runtime-env-json '{"env_vars": {"VERL_FILE_LOGGER_PATH": "'"$VERL_FILE_LOGGER_PATH"'", "ACEREASON_REWARD_URL": "'"$ACEREASON_REWARD_URL"'"}}' \
    -- python3 -m verl.trainer.main_ppo \
       algorithm.adv_estimator=grpo \
       algorithm.norm_adv_by_std_in_grpo=True \
       algorithm.use_kl_in_reward=False \
       data.train_files=/runs/acereason/03-math-24k/data/train-math.parquet \
       data.val_files=/data/acereason/val-math.parquet \
       data.prompt_key=prompt \
       data.reward_fn_key=data_source \
       data.train_batch_size=128 \
       data.max_prompt_length=2048 \
       data.max_response_length=24576 \
       data.filter_overlong_prompts=True \
       data.truncation=error \
       actor_rollout_ref.model.path="$MODEL_PATH" \
       actor_rollout_ref.actor.optim.lr=0.000001 \
       actor_rollout_ref.actor.optim.clip_grad=1 \
       actor_rollout_ref.actor.ppo_mini_batch_size=128 \
       actor_rollout_ref.actor.ppo_epochs=1 \
       actor_rollout_ref.actor.clip_ratio_low=0.2 \
       actor_rollout_ref.actor.clip_ratio_high=0.2 \
       actor_rollout_ref.actor.clip_ratio_c=3 \
       actor_rollout_ref.actor.loss_agg_mode=token-mean \
       actor_rollout_ref.actor.use_kl_loss=False \
       actor_rollout_ref.actor.kl_loss_coef=0 \
       actor_rollout_ref.actor.entropy_coeff=0 \
       actor_rollout_ref.actor.use_dynamic_bsz=True \
       actor_rollout_ref.actor.ppo_max_token_len_per_gpu=53248 \
       "actor_rollout_ref.actor.checkpoint.save_contents=['model','optimizer','extra','hf_model']" \
       actor_rollout_ref.rollout.name=vllm \
       actor_rollout_ref.rollout.n=16 \
       actor_rollout_ref.rollout.temperature=0.85 \
       actor_rollout_ref.rollout.top_p=1 \
       actor_rollout_ref.rollout.tensor_model_parallel_size=2 \
       actor_rollout_ref.rollout.val_kwargs.temperature=0.6 \
       actor_rollout_ref.rollout.val_kwargs.top_p=0.95 \
       actor_rollout_ref.rollout.val_kwargs.n=16 \
       actor_rollout_ref.rollout.val_kwargs.do_sample=True \
       custom_reward_function.path=/data/acereason/compute_score.py \
       custom_reward_function.name=compute_score \
       "trainer.logger=['console','file']" \
       trainer.project_name=acereason \
       trainer.experiment_name=acereason-03-math-24k \
       trainer.default_local_dir=/runs/acereason/03-math-24k/checkpoints \
       trainer.rollout_data_dir=/runs/acereason/03-math-24k/rollouts \
       trainer.validation_data_dir=/runs/acereason/03-math-24k/validation \
       trainer.total_training_steps=400 \
       trainer.save_freq=50 \
       trainer.test_freq=50 \
       trainer.val_before_train=True \
       trainer.resume_mode=auto \
       trainer.nnodes=1 \
       trainer.n_gpus_per_node=8
