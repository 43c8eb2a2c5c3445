/**
 * The bench servers' TypeScript loader: each file transpiled on require with the project's
 * compiler options, as `tsc` would emit it for production. Not ts-node: ts-node imports Node's
 * `repl`, which loads `domain`, which wraps every EventEmitter#emit of the process; production
 * (`node dist/...`) has none of that, and it cost genbot's many emits more than the references'.
 */
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a require hook is CommonJS by nature, loaded with `node -r` */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
