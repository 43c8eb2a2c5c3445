/** Loopback stand-in for Gemini's generateContent with image output, several keys, scriptable quotas. */
export {
  FAKE_GEMINI_RETRY_DELAY_SECONDS,
  FakeGemini,
  type FakeGeminiOptions,
  type GeminiCall,
  type GeminiCustomFailure,
  type GeminiFailureKind,
} from './fake-gemini';
