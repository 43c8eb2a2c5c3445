/** Loopback stand-in for fal's queue API (submit, status, result, output files). */
export { FakeFal, type FakeFalOptions, type FalCall, type FalCallKind, type FalCustomFailure, type FalFailureKind, type FalOutputKind } from './fake-fal';
