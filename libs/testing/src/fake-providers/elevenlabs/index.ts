/** Loopback stand-in for ElevenLabs (text to speech, voices, speech to text), answering real MP3 bytes. */
export {
  FakeElevenLabs,
  type ElevenLabsCall,
  type ElevenLabsCallKind,
  type ElevenLabsCustomFailure,
  type ElevenLabsFailureKind,
  type FakeElevenLabsOptions,
} from './fake-elevenlabs';
export { mp3FormatOf, silentMp3, type SilentMp3Options } from './silent-mp3';
export { FakeTranscriber } from './speech-to-text';
export { FAKE_VOICES, type FakeElevenLabsVoice } from './fake-voices';
