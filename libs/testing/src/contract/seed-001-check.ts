import { ContractRecorder } from './contract-recorder';
import { OpenApiContract } from './openapi-contract';

let current: ContractRecorder | undefined;

/** Starts checking every response of every app this test file boots against seed 001's OpenAPI. */
export function startSeed001ContractCheck(): ContractRecorder {
  current?.stop();
  current = new ContractRecorder(OpenApiContract.seed001()).start();
  return current;
}

/** The running check of this test file (started by the e2e project's setup), if any. */
export function seed001ContractCheck(): ContractRecorder | undefined {
  return current;
}
