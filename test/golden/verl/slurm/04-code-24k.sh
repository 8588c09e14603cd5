#!/usr/bin/env bash
#SBATCH --job-name=acereason-code-24k
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=8
#SBATCH --partition=gpu
#SBATCH --time=48:00:00
#SBATCH --output=/runs/acereason/04-code-24k/slurm-%j.out
# AceReason Studio — verl launch script, stage 4/6: code-24k
# recipe 'acereason': code RL, max response 24576 tokens, 8 rollouts/prompt, T=0.6, lr=0.000005, 400 steps.
# Strictly on-policy GRPO: ppo_mini_batch_size == train_batch_size, ppo_epochs=1, no KL, entropy_coeff=0.
# Mode: slurm. Read it, then run it: sbatch 04-code-24k.sh
set -euo pipefail

STAGE_DIR=/runs/acereason/04-code-24k
mkdir -p "$STAGE_DIR"
# verl's file logger: the AceReason dashboard follows this file (AceReason: Open Metrics File…).
export VERL_FILE_LOGGER_PATH="$STAGE_DIR/metrics.jsonl"
export ACEREASON_REWARD_URL="${ACEREASON_REWARD_URL:-http://127.0.0.1:8321}"

# Start from the previous stage's last checkpoint (saved with hf_model).
PREV_CKPT=/runs/acereason/03-math-24k/checkpoints
STEP=$(cat "$PREV_CKPT/latest_checkpointed_iteration.txt")
MODEL_PATH="${MODEL_PATH_OVERRIDE:-$PREV_CKPT/global_step_${STEP}/actor/huggingface}"

# Ray head on the first node, workers on the others, then the trainer on the head.
nodes=($(scontrol show hostnames "$SLURM_JOB_NODELIST"))
head=${nodes[0]}
head_ip=$(srun --nodes=1 --ntasks=1 -w "$head" hostname --ip-address | awk '{print $1}')
srun --nodes=1 --ntasks=1 -w "$head" ray start --head --node-ip-address="$head_ip" --port=6379 --block &
sleep 10
for node in "${nodes[@]:1}"; do
  srun --nodes=1 --ntasks=1 -w "$node" ray start --address="$head_ip:6379" --block &
done
sleep 10
python3 -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    algorithm.norm_adv_by_std_in_grpo=True \
    algorithm.use_kl_in_reward=False \
    data.train_files=/data/acereason/train-code.parquet \
    data.val_files=/data/acereason/val-code.parquet \
    data.prompt_key=prompt \
    data.reward_fn_key=data_source \
    data.train_batch_size=128 \
    data.max_prompt_length=2048 \
    data.max_response_length=24576 \
    data.filter_overlong_prompts=True \
    data.truncation=error \
    actor_rollout_ref.model.path="$MODEL_PATH" \
    actor_rollout_ref.actor.optim.lr=0.000005 \
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
    actor_rollout_ref.rollout.n=8 \
    actor_rollout_ref.rollout.temperature=0.6 \
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
    trainer.experiment_name=acereason-04-code-24k \
    trainer.default_local_dir=/runs/acereason/04-code-24k/checkpoints \
    trainer.rollout_data_dir=/runs/acereason/04-code-24k/rollouts \
    trainer.validation_data_dir=/runs/acereason/04-code-24k/validation \
    trainer.total_training_steps=400 \
    trainer.save_freq=50 \
    trainer.test_freq=50 \
    trainer.val_before_train=True \
    trainer.resume_mode=auto \
    trainer.nnodes=1 \
    trainer.n_gpus_per_node=8
