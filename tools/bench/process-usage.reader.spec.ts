import { parseCpuTicks, parseMachineTicks, parseRssBytes } from './process-usage.reader';

describe('/proc parsing', () => {
  it('reads VmRSS in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmRSS:\t   86044 kB\nRssAnon:\t 40000 kB\n';
    expect(parseRssBytes(status)).toBe(86044 * 1024);
    expect(parseRssBytes('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('adds utime and stime, even when the command name has spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 5000 0 12 0 731 269 0 0 20 0 11 0 123 1615552 21511';
    expect(parseCpuTicks(stat)).toBe(731 + 269);
  });

  it('reads busy and total ticks of the machine (iowait counts as idle)', () => {
    const procStat = 'cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\nintr 1 2 3\n';
    expect(parseMachineTicks(procStat)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 10, total: 170 + 800 + 20 });
  });
});
