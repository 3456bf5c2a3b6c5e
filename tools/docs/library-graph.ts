import { readCachedProjectGraph, type ProjectFileMap, type ProjectGraph } from 'nx/src/devkit-exports';
import { readFileMapCache } from 'nx/src/project-graph/nx-deps-cache';

/** The doc holding the generated picture of the workspace, between the two markers. */
export const ARCHITECTURE_DOC = 'docs/architecture.md';
const START = '<!-- library-graph: generated from the Nx project graph by `npm run docs:graph`; do not edit -->';
const END = '<!-- /library-graph -->';

/** Files only tests and their helpers load (as in eslint.config.mjs): their imports are not the runtime layout. */
const TEST_FILE = /(\.spec\.ts|\.int-spec\.ts|\.e2e-spec\.ts|\.test-support\.ts)$|^apps\/[^/]+\/test\//;

export type Edge = readonly [from: string, to: string];

/** Which project's code imports which, counting production files only (per-file dependencies from Nx's file map). */
export function productionDependencies(graph: ProjectGraph, files: ProjectFileMap): Edge[] {
  const edges = new Map<string, Edge>();
  for (const [project, projectFiles] of Object.entries(files)) {
    for (const file of projectFiles) {
      if (TEST_FILE.test(file.file)) continue;
      for (const dependency of file.deps ?? []) {
        const target = typeof dependency === 'string' ? dependency : dependency.length === 3 ? dependency[1] : dependency[0];
        if (target !== project && graph.nodes[target]) edges.set(`${project}\n${target}`, [project, target]);
      }
    }
  }
  return [...edges.values()].sort(([a, b], [c, d]) => a.localeCompare(c) || b.localeCompare(d));
}

/**
 * Leaves out each edge that a longer path already implies, so the picture shows the layers rather than every import;
 * edges for which `keep` says so are drawn anyway.
 */
export function withoutImpliedEdges(edges: readonly Edge[], keep: (edge: Edge) => boolean = () => false): Edge[] {
  const targets = new Map<string, string[]>();
  for (const [from, to] of edges) targets.set(from, [...(targets.get(from) ?? []), to]);
  const impliedByLongerPath = ([from, to]: Edge): boolean => {
    const seen = new Set<string>();
    const stack = (targets.get(from) ?? []).filter((next) => next !== to);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...(targets.get(node) ?? []));
    }
    return false;
  };
  return edges.filter((edge) => keep(edge) || !impliedByLongerPath(edge));
}

/** The edges of the picture: every import between the gateway's own libraries, the rest without implied edges. */
export function pictureEdges(graph: ProjectGraph, edges: readonly Edge[]): Edge[] {
  const inGateway = (name: string) => (graph.nodes[name]?.data.tags ?? []).includes('scope:gateway');
  return withoutImpliedEdges(edges, ([from, to]) => inGateway(from) && inGateway(to));
}

const GROUPS = [
  { id: 'entry_points', title: 'entry points', holds: (tags: string[]) => tags.includes('type:app') },
  { id: 'gateway_libraries', title: 'gateway libraries', holds: (tags: string[]) => tags.includes('scope:gateway') },
  { id: 'shared_libraries', title: 'shared libraries', holds: (tags: string[]) => tags.includes('scope:shared') },
  { id: 'other_libraries', title: 'recorder and test libraries', holds: () => true },
];

/** A mermaid flowchart of the projects, grouped by kind and scope, and the given imports between them. */
export function renderLibraryGraph(graph: ProjectGraph, edges: readonly Edge[]): string {
  const id = (name: string) => name.replace(/-/g, '_');
  const projects = Object.values(graph.nodes).sort((a, b) => a.data.root.localeCompare(b.data.root));
  const lines = ['```mermaid', 'flowchart TD'];
  const placed = new Set<string>();
  for (const group of GROUPS) {
    const members = projects.filter((project) => !placed.has(project.name) && group.holds(project.data.tags ?? []));
    lines.push(`  subgraph ${group.id} [${group.title}]`);
    for (const project of members) {
      placed.add(project.name);
      lines.push(`    ${id(project.name)}["${project.data.root}"]`);
    }
    lines.push('  end');
  }
  for (const [from, to] of edges) lines.push(`  ${id(from)} --> ${id(to)}`);
  lines.push('```');
  return lines.join('\n');
}

/** The doc with its generated block replaced by `block`. */
export function withGeneratedBlock(doc: string, block: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${ARCHITECTURE_DOC} has no generated library graph block (${START} … ${END})`);
  return `${doc.slice(0, start)}${START}\n${block}\n${doc.slice(end)}`;
}

/** The picture of the workspace as Nx's caches last saw it (`nx show projects` refreshes them). */
export function libraryGraphFromNxCache(): string {
  const graph = readCachedProjectGraph();
  const files = readFileMapCache()?.fileMap.projectFileMap;
  if (!files) throw new Error('no Nx file map cache: run `nx show projects` first');
  return renderLibraryGraph(graph, pictureEdges(graph, productionDependencies(graph, files)));
}
