import { runAdminCli } from './admin-cli';
import { readStdin } from './stdin.reader';

/** `npm run admin -- <command>`: the admin CLI over the gateway's HTTP API (see docs/admin-cli.md). */
void runAdminCli(process.argv.slice(2), {
  env: process.env,
  stdin: () => readStdin(process.stdin, process.stderr),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  fetch,
}).then((code) => {
  process.exitCode = code;
});
