const ENTER = new Set(['\r', '\n', '\u0004']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);

/** All of stdin; on a terminal, one line typed or pasted with the echo off (after a prompt on stderr). */
export function readStdin(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  return input.isTTY ? readHiddenLine(input, prompt) : readAll(input);
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

function readHiddenLine(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  prompt.write('key (input hidden, Enter when done): ');
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      prompt.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        // Ctrl+C gives up: an empty answer, which the command refuses.
        if (char === CTRL_C) return finish('');
        if (ENTER.has(char)) return finish(value);
        value = BACKSPACE.has(char) ? value.slice(0, -1) : value + char;
      }
    };
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
