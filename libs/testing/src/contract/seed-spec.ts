import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Document, YAMLMap, isMap, isScalar, parseDocument } from 'yaml';

/** The parts of an OpenAPI 3.1 document the contract check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  components: { schemas: Record<string, unknown>; responses?: Record<string, OpenApiResponse> };
}
export interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

/**
 * The seeds live beside the repository, in `<x>/shared/seeds` for a repo at `<x>/main` (CI's fresh
 * clone too). A git worktree sits elsewhere, so its main checkout's neighbour is tried as well:
 * the `.git` file of a worktree names its gitdir, whose `commondir` leads back to the main repo.
 */
export function seedDirCandidates(root = REPO_ROOT): string[] {
  const candidates = [resolve(root, '../shared/seeds')];
  const dotGit = join(root, '.git');
  if (existsSync(dotGit) && statSync(dotGit).isFile()) {
    const gitDir = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1].trim();
    const commonDirFile = gitDir ? join(resolve(root, gitDir), 'commondir') : undefined;
    if (commonDirFile && existsSync(commonDirFile)) {
      const common = readFileSync(commonDirFile, 'utf8').trim();
      const mainRoot = dirname(isAbsolute(common) ? common : resolve(resolve(root, gitDir!), common));
      candidates.push(resolve(mainRoot, '../shared/seeds'));
    }
  }
  return [...new Set(candidates)];
}

/** The path of `NNN_*.txt` among the seeds; throws naming every folder tried when it is missing. */
export function findSeedFile(number: string, dirs = seedDirCandidates()): string {
  const pattern = new RegExp(`^${number}_.*\\.txt$`);
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const name = readdirSync(dir).find((file) => pattern.test(file));
    if (name) return join(dir, name);
  }
  throw new Error(
    `Seed ${number} not found: looked for ${number}_*.txt in ${dirs.join(', ')}. The seed ${number} contract check needs ../shared/seeds beside the repository.`,
  );
}

/** Seed 001's OpenAPI, read as its author meant it (see `fixSlips`). */
export function loadSeed001Spec(file = findSeedFile('001')): OpenApiDocument {
  return parseSeedOpenApi(readFileSync(file, 'utf8'), file);
}

/** The `openapi: …` YAML block of a seed's text, parsed, with the seed's two slips repaired. */
export function parseSeedOpenApi(text: string, source = 'seed'): OpenApiDocument {
  // The seed opens a ```yaml fence twice (its heading is repeated inside the first); the
  // document is the block that starts with `openapi:` and runs to the next fence.
  const yaml = /^openapi:[^\n]*\n[\s\S]*?(?=^```)/m.exec(text)?.[0];
  if (!yaml) throw new Error(`${source}: no \`openapi:\` YAML block found`);
  const lenient = parseDocument(dedentKeysUnderScalars(yaml), { uniqueKeys: false });
  mergeDuplicateKeys(lenient, ['components']);
  // Read again strictly: any other slip (a duplicate elsewhere, bad indentation) still fails here.
  const document = lenient.errors.length > 0 ? lenient : parseDocument(lenient.toString());
  if (document.errors.length > 0) throw new Error(`${source}: the OpenAPI YAML does not parse: ${document.errors.map((e) => e.message).join('; ')}`);
  const spec = document.toJS() as OpenApiDocument;
  if (!spec?.paths || !spec.components?.schemas) throw new Error(`${source}: the OpenAPI document has no paths or components.schemas`);
  return spec;
}

/**
 * Slip 1: under `Job.status` the seed indents `enum:` below `type: string`, which YAML reads as a
 * key nested inside a scalar (an error). A `key: value` line indented deeper than the `key: scalar`
 * line just above it can only mean a sibling, so it is moved to that line's indentation.
 */
export function dedentKeysUnderScalars(yaml: string): string {
  const lines = yaml.split('\n');
  const scalarEntry = /^( *)[\w$.'-]+:\s+[^\s|>#&*[{][^#]*$/;
  for (let i = 1; i < lines.length; i++) {
    const previous = scalarEntry.exec(lines[i - 1]);
    const current = /^( *)([\w$.'-]+:(?:\s.*)?)$/.exec(lines[i]);
    if (previous && current && current[1].length > previous[1].length) lines[i] = previous[1] + current[2];
  }
  return lines.join('\n');
}

/**
 * Slip 2: `components` has a second `schemas:` key (holding `Error`) after `responses:`. Strict
 * YAML refuses a duplicate key and a lenient reader keeps only the last one, which would lose
 * every other schema; the author plainly meant one `schemas` map, so the entries are merged.
 */
function mergeDuplicateKeys(document: Document, path: string[]): void {
  const map = document.getIn(path, true);
  if (!isMap(map)) return;
  const seen = new Map<unknown, YAMLMap>();
  map.items = map.items.filter((pair) => {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    const first = seen.get(key);
    if (first && isMap(pair.value)) {
      first.items.push(...pair.value.items);
      return false;
    }
    if (isMap(pair.value)) seen.set(key, pair.value);
    return true;
  });
}
