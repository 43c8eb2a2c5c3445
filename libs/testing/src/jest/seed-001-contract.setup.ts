import { startSeed001ContractCheck } from '../contract/seed-001-check';

// Every e2e file: each response its apps give to a route of seed 001's OpenAPI is checked against
// the spec, and the file fails at the end listing any breach. A missing seed fails the file here,
// naming where it looked: the contract is never skipped silently.
const check = startSeed001ContractCheck();

afterAll(() => {
  check.stop();
  const report = check.report('seed 001’s OpenAPI (../shared/seeds/001_*.txt)');
  if (report) throw new Error(report);
});
