import { mockText, startEntryProcess, type GatewayProcess } from '@tollgate/testing';

interface PrintedCurl {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The `curl` commands among the printed snippets (continuation lines joined; only -s/-N, -H and -d are used). */
function printedCurls(output: string): PrintedCurl[] {
  return output
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith('curl '))
    .map((line) => {
      const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]);
      const curl: PrintedCurl = { url: '', headers: {} };
      for (let i = 1; i < words.length; i++) {
        const word = words[i];
        if (word === '-H') {
          const header = words[++i];
          const colon = header.indexOf(':');
          curl.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
        } else if (word === '-d') curl.body = words[++i];
        else if (!word.startsWith('-')) curl.url = word;
      }
      return curl;
    });
}

const send = (curl: PrintedCurl) => fetch(curl.url, { method: curl.body === undefined ? 'GET' : 'POST', headers: curl.headers, body: curl.body });

describe('npm run demo', () => {
  let demo: GatewayProcess;
  beforeAll(async () => {
    // Port 0 instead of the default 8080, which may be taken on the test machine.
    demo = await startEntryProcess('demo', { args: ['0'], ready: /Gateway: (http:\/\/\S+)[\s\S]*Press Ctrl\+C to stop\./ });
  });
  afterAll(() => demo?.stop('SIGKILL'));

  it('prints snippets that work as printed, and stops on SIGTERM', async () => {
    const curls = printedCurls(demo.output());
    expect(curls.length).toBeGreaterThanOrEqual(5);
    for (const curl of curls) expect(curl.url.startsWith(`${demo.url}/`)).toBe(true);

    const [blocking, ...others] = curls;
    const first = await send(blocking);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-tollgate-interception-id')).toBeTruthy();
    const completion = (await first.json()) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0].message.content).toBe(mockText());

    for (const curl of others) {
      const response = await send(curl);
      const text = await response.text();
      expect({ url: curl.url, status: response.status }).toEqual({ url: curl.url, status: 200 });
      expect(text.length).toBeGreaterThan(0);
      if (curl.body?.includes('"stream":true')) expect(response.headers.get('content-type')).toBe('text/event-stream');
    }

    expect(await demo.stop('SIGTERM')).toBe(0);
  });
});
