// `npm run lint`'s dependency check: `depcruise --config .dependency-cruiser.js apps libs migrations`
// through dependency-cruiser's API. Its CLI refuses Node 20 (our CI's and Dockerfile's Node) by
// a version check alone; the API it wraps runs fine there.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/** Cruises `targets` under the rules in .dependency-cruiser.js; resolves to {exitCode, output} (err reporter text). */
export async function depcruise(targets, overrides = {}) {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.js');
  const tsConfig = extractTSConfig(options.ruleSet?.options?.tsConfig?.fileName ?? 'tsconfig.json');
  const result = await cruise(targets, { ...options, ...overrides, outputType: 'err' }, {}, { tsConfig });
  return { exitCode: result.exitCode, output: result.output };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const targets = process.argv.slice(2);
  const { exitCode, output } = await depcruise(targets.length ? targets : ['apps', 'libs', 'migrations']);
  process.stdout.write(output);
  process.exitCode = exitCode;
}
