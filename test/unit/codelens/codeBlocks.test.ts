import { test } from 'node:test';
import assert from 'node:assert/strict';
import { languageOfDocument, markdownCodeBlocks, wholeFileBlock } from '../../../src/core/codelens/codeBlocks';

test('every runnable fenced block of a Markdown solution, with its lines', () => {
  const md = [
    '# acereason: problem=p1 dataset=d.jsonl',          // 0
    'Some prose.',                                       // 1
    '```python',                                         // 2
    'print(1)',                                          // 3
    'print(2)',                                          // 4
    '```',                                               // 5
    '```text',                                           // 6
    'not code',                                          // 7
    '```',                                               // 8
    '~~~js',                                             // 9
    'console.log(3)',                                    // 10
    '~~~',                                               // 11
  ].join('\n');
  assert.deepEqual(markdownCodeBlocks(md), [
    { startLine: 3, endLine: 4, language: 'python', code: 'print(1)\nprint(2)' },
    { startLine: 10, endLine: 10, language: 'javascript', code: 'console.log(3)' },
  ]);
});

test('only blocks after </think> count; a response still thinking or an unclosed fence has none', () => {
  const answer = ['# acereason: problem=p1 dataset=d', '<think>', '```python', 'draft()', '```', '</think>', '```py', 'final()', '```'].join('\n');
  assert.deepEqual(markdownCodeBlocks(answer).map((b) => b.code), ['final()']);
  assert.deepEqual(markdownCodeBlocks('<think>\n```python\nx = 1\n```'), []);
  assert.deepEqual(markdownCodeBlocks('```python\nx = 1\n'), []);
  // A longer closing fence closes; a shorter one inside does not.
  assert.deepEqual(markdownCodeBlocks('````python\ns = """\n```\n"""\n`````').map((b) => b.code), ['s = """\n```\n"""']);
  assert.deepEqual(markdownCodeBlocks('```python\r\nprint(1)\r\n```\r\n').map((b) => b.code), ['print(1)']);
});

test('whole-file solutions: language from the language id or the extension, code is the full text', () => {
  assert.equal(languageOfDocument('python'), 'python');
  assert.equal(languageOfDocument('plaintext', '/x/sol.js'), 'javascript');
  assert.equal(languageOfDocument('plaintext', '/x/notes.txt'), undefined);
  const text = '# acereason: problem=p dataset=d\nprint(input())\n';
  assert.deepEqual(wholeFileBlock(text, 'python'), { startLine: 1, endLine: 2, language: 'python', code: text });
});

test('the CodeLens verifies exactly the code the grader ran: one extractor (core/reward/code/extract.ts)', async () => {
  const { extractCode } = await import('../../../src/core/reward/code/extract');
  const responses = [
    '</think>\n```python\nprint(1)\n````\n',                       // a longer closing fence closes (CommonMark)
    '<think>\n```python\ndraft()\n```\n',                          // still thinking: nothing
    'no tags\n```py\nx = 1\n```\ntext\n```python\nfinal()\n```',   // the last block
    '</think>\n~~~python\nprint(2)\n```\nmore\n~~~\n',             // ``` does not close ~~~
    '</think>\r\n```python\r\nprint(3)\r\n```\r\n',
  ];
  for (const r of responses) {
    const lens = markdownCodeBlocks(r);
    assert.equal(lens.at(-1)?.code ?? null, extractCode(r), JSON.stringify(r));
  }
  assert.equal(extractCode(responses[0]), 'print(1)');
  assert.equal(extractCode(responses[3]), 'print(2)\n```\nmore');
});
