// The docs are what an operator follows; these checks keep them from drifting away from the code and manifests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { batchJobId, interceptionEventId } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';

const ROOT = resolve(__dirname, '../..');
const SCANNED = ['k8s', 'deploy', 'docker-compose.yml', 'apps', 'libs', 'tools'];
const SECTION_REFERENCE = /docs\/([a-z-]+\.md), "([^"]+)"/g;

function filesUnder(path: string): string[] {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [absolute];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((entry) => !entry.split('/').includes('node_modules'))
    .map((entry) => join(absolute, entry))
    .filter((file) => /(\.ya?ml|\.ts|Dockerfile)$/.test(file) && statSync(file).isFile());
}

function headings(doc: string): string[] {
  return readFileSync(join(ROOT, 'docs', doc), 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, '').trim());
}

describe('documentation references', () => {
  it('every `docs/<file>.md, "<section>"` reference in manifests and code names a section that exists', () => {
    const references = SCANNED.flatMap(filesUnder).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(SECTION_REFERENCE)].map(([, doc, section]) => ({ file: file.slice(ROOT.length + 1), doc, section })),
    );
    expect(references.length).toBeGreaterThan(0);
    const broken = references.filter(({ doc, section }) => !existsSync(join(ROOT, 'docs', doc)) || !headings(doc).includes(section));
    expect(broken).toEqual([]);
  });

  it('the recording docs state the event id and batch job id formats the code uses', () => {
    const started = buildStartedEvent();
    const format = (id: string, event: { interceptionId: string; name: string }) => id.replace(event.interceptionId, '{interceptionId}').replace(event.name, '{event}');
    const ended = buildEndedEvent(started);
    expect(format(interceptionEventId(ended), ended)).toBe(format(interceptionEventId(started), started));

    const documented = [`\`${format(interceptionEventId(started), started)}\``, `\`${batchJobId('{batchId}')}\``];
    for (const doc of ['docs/recording.md', 'apps/recorder/README.md']) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      expect({ doc, states: documented.filter((format) => text.includes(format)) }).toEqual({ doc, states: documented });
    }
  });
});
