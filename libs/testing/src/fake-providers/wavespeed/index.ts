/** Loopback stand-in for Wavespeed's v3 API (submit, poll, balance, output files). */
export {
  FakeWavespeed,
  type FakeWavespeedOptions,
  type WavespeedCall,
  type WavespeedCallKind,
  type WavespeedCustomFailure,
  type WavespeedFailureKind,
} from './fake-wavespeed';
export { tinyPng } from './tiny-png';
