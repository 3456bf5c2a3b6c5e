interface Instruction {
  keyword: string;
  argument: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined, keywords upper-cased. */
export function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const space = line.search(/\s/);
      return space < 0 ? { keyword: line.toUpperCase(), argument: '' } : { keyword: line.slice(0, space).toUpperCase(), argument: line.slice(space).trim() };
    });
}

/**
 * The image rules for one Tollgate entry point: a multi-stage build that bundles `dist/<entry>` and installs only
 * production dependencies into a Node 24 runtime that runs as `node`, in production mode, with a node-based
 * HEALTHCHECK, the port exposed and an exec-form start command (so SIGTERM reaches node). One line per problem.
 */
export function checkDockerfile(text: string, entry: string, port: number): string[] {
  const instructions = parseDockerfile(text);
  const argDefaults = new Map(
    instructions
      .filter((instruction) => instruction.keyword === 'ARG' && instruction.argument.includes('='))
      .map((instruction) => instruction.argument.split('=', 2) as [string, string]),
  );
  const stages = instructions.filter((instruction) => instruction.keyword === 'FROM');
  const finalStageAt = instructions.lastIndexOf(stages[stages.length - 1]);
  const finalStage = instructions.slice(finalStageAt + 1);
  const runs = instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.argument);
  const problems: string[] = [];

  if (stages.length < 2) problems.push('must be a multi-stage build');
  const baseImage = (stages[stages.length - 1]?.argument ?? '').split(/\s+/)[0].replace(/^\$\{?(\w+)\}?$/, (_match, name: string) => argDefaults.get(name) ?? name);
  if (!/^node:24(-|$)/.test(baseImage)) problems.push(`the runtime stage must be node:24 (slim or alpine), not ${baseImage}`);
  if (!runs.some((run) => new RegExp(`node tools/build\\.mjs ${entry}\\b`).test(run))) problems.push(`no stage runs node tools/build.mjs ${entry}`);
  if (!runs.some((run) => /npm ci\b(?!.*--omit=dev)/.test(run))) problems.push('the build stage must run npm ci (with the dev dependencies)');
  if (!runs.some((run) => /npm ci\b.*--omit=dev/.test(run))) problems.push('the runtime dependencies must come from npm ci --omit=dev');
  if (finalStage.some((instruction) => instruction.keyword === 'RUN' && /npm (ci|install)\b(?!.*--omit=dev)/.test(instruction.argument))) {
    problems.push('the runtime stage must not install dev dependencies');
  }

  const last = (keyword: string): Instruction | undefined => finalStage.filter((instruction) => instruction.keyword === keyword).pop();
  if (last('USER')?.argument !== 'node') problems.push('the runtime stage must end as USER node');
  if (!finalStage.some((instruction) => instruction.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(instruction.argument))) {
    problems.push('the runtime stage must set NODE_ENV=production');
  }
  if (!finalStage.some((instruction) => instruction.keyword === 'EXPOSE' && instruction.argument.split(/\s+/).includes(String(port)))) {
    problems.push(`the runtime stage must EXPOSE ${port}`);
  }
  const healthcheck = last('HEALTHCHECK')?.argument ?? '';
  if (!/CMD \["node", "-e", ".*fetch\(/.test(healthcheck)) problems.push('HEALTHCHECK must use node and fetch (slim images have no curl)');
  if (/\b(curl|wget)\b/.test(healthcheck)) problems.push('HEALTHCHECK must not need curl or wget');

  const start = [last('ENTRYPOINT'), last('CMD')].filter((instruction): instruction is Instruction => instruction !== undefined);
  if (start.length === 0) problems.push('the runtime stage has no CMD or ENTRYPOINT');
  for (const instruction of start) {
    if (!instruction.argument.startsWith('[')) problems.push(`${instruction.keyword} must use the exec form (a JSON array), so SIGTERM reaches node`);
  }
  if (!start.some((instruction) => instruction.argument.includes(`dist/${entry}/main.js`))) problems.push(`the start command must run dist/${entry}/main.js`);
  return problems;
}
