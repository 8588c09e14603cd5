// The trainer reads datasets and decontaminates with core's implementations (src/core/dataset,
// src/core/curate): Parquet works, the fields the code reward needs survive, and decontamination
// matches text the way `acereason curate` does (NFKC match tokens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodeRecord, MathRecord } from '../../../src/core/dataset/records';
import { parseRecipe, PRESET_INPUTS, type Recipe } from '../../../src/core/rl/index';
import { Rewards } from '../../../src/trainer/rewards';
import { decontaminate } from '../../../src/trainer/tasks/curate';
import { loadTaskData, withDataset } from '../../../src/trainer/tasks/load';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coredata-'));
const filesRecipe = (data: Partial<Extract<Recipe['data'], { source: 'files' }>>): Recipe =>
  parseRecipe({ ...structuredClone(PRESET_INPUTS.demo), data: { source: 'files', ...data } });

async function writeCodeParquet(file: string) {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const tests = JSON.stringify([{ input: '3\n', output: '3\n' }]);
  fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['slow', 'hungry'], type: 'STRING' },
      { name: 'problem', data: ['Echo the number you read.', 'Echo the number you read, in little memory.'], type: 'STRING' },
      { name: 'tests', data: [tests, tests], type: 'STRING' },
      { name: 'time_limit_s', data: [1, 4], type: 'DOUBLE' },
      { name: 'memory_limit_mb', data: [512, 64], type: 'DOUBLE' },
    ],
  })));
}

test('a code dataset in Parquet keeps its time and memory limits all the way to the code reward', { timeout: 60_000 }, async () => {
  const dir = tmp();
  await writeCodeParquet(path.join(dir, 'code.parquet'));
  fs.writeFileSync(path.join(dir, 'code.heldout.jsonl'), JSON.stringify({ id: 'h', problem: 'Print the sum of two numbers read from one line.', tests: [{ input: '1 2\n', output: '3\n' }] }) + '\n');
  const recipe = withDataset(parseRecipe(structuredClone(PRESET_INPUTS.demo)), dir);
  const data = await loadTaskData(recipe);
  const byId = new Map<string, CodeRecord>(data.code.train.map((r) => [r.id, r]));
  assert.equal(byId.get('slow')?.timeLimitS, 1);
  assert.equal(byId.get('hungry')?.memoryLimitMb, 64);
  assert.deepEqual(data.code.heldOut.map((r) => r.id), ['h']);

  const rewards = new Rewards({ concurrency: 2 });
  try {
    const fence = (code: string) => `</think>\n\`\`\`python\n${code}\n\`\`\``;
    const sleepy = fence('import time\ntime.sleep(1.6)\nprint(input())');
    const greedy = fence('x = bytearray(200 * 1024 * 1024)\nprint(input())');
    const slow = await rewards.score(byId.get('slow')!, sleepy);
    assert.equal(slow.state, 'wrong');
    assert.equal(slow.tests?.[0].status, 'TLE', `the record's 1 s limit applies: ${slow.verdict}`);
    const hungry = await rewards.score(byId.get('hungry')!, greedy);
    assert.equal(hungry.tests?.[0].status, 'MLE', `the record's 64 MiB limit applies: ${hungry.verdict}`);
    // The same programs pass under the sandbox defaults (4 s, 512 MiB): the limits came from the file.
    const unlimited = { ...byId.get('slow')!, timeLimitS: undefined, memoryLimitMb: undefined };
    assert.equal((await rewards.score(unlimited, sleepy)).state, 'correct');
    assert.equal((await rewards.score(unlimited, greedy)).state, 'correct');
  } finally {
    await rewards.close();
  }
});

test('rows that do not fit are reported with file, line and field; a file with none usable is an error', async () => {
  const dir = tmp();
  const file = path.join(dir, 'math.jsonl');
  fs.writeFileSync(file, [
    JSON.stringify({ id: 'a', problem: 'What is one plus one, written as a number?', answer: '2' }),
    JSON.stringify({ id: 'b', problem: 'What is two plus two, written as a number?' }),
    '{not json',
  ].join('\n') + '\n');
  const warnings: string[] = [];
  const data = await loadTaskData(filesRecipe({ math: file, heldOutFraction: 0 }), { warn: (m) => warnings.push(m) });
  assert.deepEqual(data.math.train.map((r: MathRecord) => [r.id, r.answer]), [['a', '2']]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`math data .*math\\.jsonl: 2 of 3 rows skipped; first: .*math\\.jsonl:2: field 'answer'`));
  const bad = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(bad, '{"id": "x"}\n');
  await assert.rejects(loadTaskData(filesRecipe({ math: bad })), /bad\.jsonl: no math preset fits its first rows \(fields: id\)/);
  assert.throws(() => withDataset(parseRecipe(structuredClone(PRESET_INPUTS.demo)), path.join(dir, 'missing')), /does not exist/);
});

test('decontamination matches text as core curation does: NFKC, letters of every script, punctuation ignored', () => {
  const rec = (id: string, problem: string) => ({ id, source: 's', domain: 'math' as const, problem, answer: '1' });
  const held = [rec('h', 'Find the number of ordered pairs of positive integers whose product is 36.')];
  const train = [
    // Full-width letters and digits (NFKC folds them) — the same problem as the held-out one.
    rec('fullwidth', 'Ｆｉｎｄ the number of ordered pairs of positive integers whose product is ３６.'),
    // Two different Cyrillic problems: neither a duplicate of the other nor of anything held out.
    rec('ru1', 'Сколько будет два плюс два?'),
    rec('ru2', 'Сколько будет три плюс три?'),
    // Same words, different punctuation and case: a duplicate of ru1.
    rec('ru1-again', 'сколько  будет два, плюс два'),
  ];
  const { kept, report } = decontaminate(train, held, 9);
  assert.deepEqual(kept.map((r) => r.id), ['ru1', 'ru2']);
  assert.equal(report.contaminated, 1);
  assert.equal(report.duplicates, 1);
  assert.match(report.examples[0], /^fullwidth overlaps held-out h/);
});
