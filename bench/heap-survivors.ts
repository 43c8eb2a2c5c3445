import { readFileSync } from 'node:fs';

/**
 * Sums a sampling heap profile (`BENCH_HEAP_PROF` of bench:webhook writes them) by who allocated:
 * the nearest frame that is not Node's own (a package, or a folder of this repo), then by
 * function. `npx ts-node bench/heap-survivors.ts <file.heapprofile> [rows]`.
 */
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function owner(url: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  return url.replace(/^.*?\/((?:apps|libs|bench)\/[^/]+\/[^/]+).*$/, '$1');
}

function summarize(file: string, rows: number): void {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, size: number) => map.set(key, (map.get(key) ?? 0) + size);
  const walk = (node: ProfileNode, nearestOwner: string) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here = url && !url.startsWith('node:') ? owner(url) : nearestOwner;
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byOwner, url.startsWith('node:') && nearestOwner === '(native)' ? url : here, node.selfSize);
      add(byFunction, `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '')}:${lineNumber + 1}`, node.selfSize);
    }
    node.children.forEach((child) => walk(child, here));
  };
  walk(head, '(native)');
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`.padStart(9);
  const top = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, rows);
  console.log(`${file}: ${mb(total).trim()} sampled`);
  console.log('by allocating package or folder:');
  for (const [key, size] of top(byOwner)) console.log(`${mb(size)}  ${key}`);
  console.log('by function:');
  for (const [key, size] of top(byFunction)) console.log(`${mb(size)}  ${key}`);
}

summarize(process.argv[2], Number(process.argv[3] ?? 15));
