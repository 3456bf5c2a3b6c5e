import { deathNote } from './allocation.sampler';

describe('deathNote', () => {
  it('picks V8\'s fatal check out of a crash dump', () => {
    const output = [
      'Debugger listening on ws://127.0.0.1:34663/90bae2df-4b19-4256-967f-7c8e1c4ac5c1',
      '',
      '#',
      '# Fatal error in , line 0',
      '# Check failed: jit_page.has_value().',
      '#',
      '#FailureMessage Object: 0x7f1d78667020',
      '----- Native stack trace -----',
      ' 1: 0x9f17a1  [node]',
    ].join('\n');
    expect(deathNote(output)).toBe('Check failed: jit_page.has_value().');
  });

  it('picks Node\'s fatal error, else the last lines', () => {
    expect(deathNote('<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8d0a3 node')).toBe(
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    expect(deathNote('{"level":30,"msg":"listening"}\nError: boom\n    at main (main.js:1:1)\n')).toBe(
      '{"level":30,"msg":"listening"} ⏎ Error: boom ⏎ at main (main.js:1:1)',
    );
  });
});
