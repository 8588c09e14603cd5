#!/usr/bin/env bash
# AceReason Studio — verl launch script, stage 1/6: math-8k
# recipe 'acereason': math RL, max response 8192 tokens, 8 rollouts/prompt, T=0.85, lr=0.000001, 1200 steps.
# Strictly on-policy GRPO: ppo_mini_batch_size == train_batch_size, ppo_epochs=1, no KL, entropy_coeff=0.
# Mode: ray-job. Read it, then run it: bash 01-math-8k.sh
# NOTE: overlongFiltering is set, but verl does not implement DAPO overlong filtering (only overlong reward shaping, which is different); this stage runs without it.
set -euo pipefail

STAGE_DIR=/runs/acereason/01-math-8k
mkdir -p "$STAGE_DIR"
# verl's file logger: the AceReason dashboard follows this file (AceReason: Open Metrics File…).
export VERL_FILE_LOGGER_PATH="$STAGE_DIR/metrics.jsonl"
export ACEREASON_REWARD_URL="${ACEREASON_REWARD_URL:-http://127.0.0.1:8321}"

MODEL_PATH="${MODEL_PATH_OVERRIDE:-deepseek-ai/DeepSeek-R1-Distill-Qwen-7B}"

RAY_ADDRESS="${RAY_ADDRESS:-http://127.0.0.1:8265}"
ray job submit --address "$RAY_ADDRESS" --no-wait \
    --runtime-env-json '{"env_vars": {"VERL_FILE_LOGGER_PATH": "'"$VERL_FILE_LOGGER_PATH"'", "ACEREASON_REWARD_URL": "'"$ACEREASON_REWARD_URL"'"}}' \
    -- python3 -m verl.trainer.main_ppo \
       algorithm.adv_estimator=grpo \
       algorithm.norm_adv_by_std_in_grpo=True \
       algorithm.use_kl_in_reward=False \
       data.train_files=/data/acereason/train-math.parquet \
       data.val_files=/data/acereason/val-math.parquet \
       data.prompt_key=prompt \
       data.reward_fn_key=data_source \
       data.train_batch_size=128 \
       data.max_prompt_length=2048 \
       data.max_response_length=8192 \
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
       actor_rollout_ref.actor.ppo_max_token_len_per_gpu=20480 \
       "actor_rollout_ref.actor.checkpoint.save_contents=['model','optimizer','extra','hf_model']" \
       actor_rollout_ref.rollout.name=vllm \
       actor_rollout_ref.rollout.n=8 \
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
       trainer.experiment_name=acereason-01-math-8k \
       trainer.default_local_dir=/runs/acereason/01-math-8k/checkpoints \
       trainer.rollout_data_dir=/runs/acereason/01-math-8k/rollouts \
       trainer.validation_data_dir=/runs/acereason/01-math-8k/validation \
       trainer.total_training_steps=1200 \
       trainer.save_freq=50 \
       trainer.test_freq=50 \
       trainer.val_before_train=True \
       trainer.resume_mode=auto \
       trainer.nnodes=1 \
       trainer.n_gpus_per_node=8
