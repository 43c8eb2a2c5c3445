// Proof that every rule in .dependency-cruiser.js, and ESLint's SQL-in-repositories rule, fires
// (`npm run lint` runs this after the real checks): for each rule it writes a small file breaking
// it, checks just that file, and fails unless the violation is reported under that rule's name.
// Allowed cases are checked too, so a rule that fires on everything fails as well. The probe
// files are removed whatever happens.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { dirname } from 'node:path';
import { depcruise } from './depcruise.mjs';

const PROBE = '__depcruise_probe__';

/** rule → files to write (path → source); the first file is the one cruised. */
const CASES = [
  ['domain-stays-inward', { [`libs/ledger/src/domain/${PROBE}.ts`]: "export { LedgerService } from '../application/ledger.service';\n" }],
  ['domain-stays-inward', { [`libs/users/src/domain/${PROBE}.ts`]: "export { UserEntity } from '../infrastructure/user.entity';\n" }],
  ['domain-without-frameworks', { [`libs/ledger/src/domain/${PROBE}.ts`]: "export { Injectable } from '@nestjs/common';\n" }],
  ['domain-without-frameworks', { [`libs/storage/src/domain/${PROBE}.ts`]: "export type { EntityManager } from 'typeorm';\n" }],
  ['libs-through-index', { [`libs/growth/src/${PROBE}.ts`]: "export { LedgerService } from '../../ledger/src/application/ledger.service';\n" }],
  ['core-knows-nobody', { [`libs/core/src/${PROBE}.ts`]: "export { LedgerModule } from '@genbot/ledger';\n" }],
  ['core-knows-nobody', { [`libs/core/src/${PROBE}.ts`]: "export { MIGRATIONS } from '@genbot/migrations';\n" }],
  ['core-code-knows-nobody', { [`libs/core/src/${PROBE}.ts`]: "export { testConfig } from '@genbot/testing';\n" }],
  ['apps-through-index', { [`apps/worker/src/${PROBE}.ts`]: "export { LedgerService } from '../../../libs/ledger/src/application/ledger.service';\n" }],
  ['sandbox-on-demand', { [`apps/bot/src/${PROBE}.ts`]: "export { startSandbox } from '@genbot/sandbox';\n" }],
  [
    'no-circular',
    {
      [`libs/ledger/src/${PROBE}/a.ts`]: "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      [`libs/ledger/src/${PROBE}/b.ts`]: "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
    },
  ],
  // Allowed: a lib using another through its door, and core's own tests using @genbot/testing.
  [null, { [`libs/growth/src/${PROBE}.ts`]: "export { LedgerService } from '@genbot/ledger';\n" }],
  [null, { [`libs/core/src/${PROBE}.spec.ts`]: "export { TEST_REDIS_URL } from '@genbot/testing';\n" }],
  [null, { [`apps/bot/src/${PROBE}.ts`]: "export const sandbox = () => import('@genbot/sandbox');\n" }],
];

function remove(files) {
  for (const file of Object.keys(files)) rmSync(file.includes(`${PROBE}/`) ? dirname(file) : file, { recursive: true, force: true });
}

let failures = 0;
for (const [rule, files] of CASES) {
  try {
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, source);
    }
    const target = Object.keys(files)[0];
    const { exitCode, output } = await depcruise([target], { maxDepth: 3 });
    const fired = [...output.matchAll(/error ([\w-]+):/g)].map((match) => match[1]);
    const ok = rule === null ? exitCode === 0 : exitCode !== 0 && fired.includes(rule);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${rule ?? 'allowed'}: ${target} → ${fired.length ? fired.join(', ') : 'no violation'}`);
    if (!ok) failures++;
  } finally {
    remove(files);
  }
}
// ESLint's SQL rule: linted as text under a path, so nothing is written.
const SQL =
  "import { DataSource } from 'typeorm';\nexport const f = (d: DataSource) => d.query('SELECT 1');\nexport const g = (d: DataSource) => d.createQueryBuilder();\n";
const eslint = new ESLint();
for (const [filePath, expected] of [
  ['libs/ledger/src/application/probe.service.ts', 2],
  ['apps/public-api/src/http/probe.controller.ts', 2],
  ['libs/core/src/settings/probe.ts', 2],
  ['libs/ledger/src/infrastructure/probe.repository.ts', 0],
  ['migrations/1700000000000-probe.ts', 0],
]) {
  const [result] = await eslint.lintText(SQL, { filePath });
  const fired = result.messages.filter((message) => message.ruleId === 'no-restricted-syntax' && message.message.startsWith('SQL lives in')).length;
  const ok = fired === expected;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${expected ? 'sql-in-repositories' : 'allowed'}: ${filePath} → ${fired} SQL call(s) refused`);
  if (!ok) failures++;
}

if (failures) {
  console.error(`${failures} lint rule check(s) failed`);
  process.exitCode = 1;
}
