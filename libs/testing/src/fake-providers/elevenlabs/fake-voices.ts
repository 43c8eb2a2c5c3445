/** A voice as `GET /v1/voices` lists it, before the fake adds its own `preview_url`. */
export interface FakeElevenLabsVoice {
  voice_id: string;
  name: string;
  category: string;
  /** ElevenLabs' free-form labels: `gender` (male | female), `age` (young | middle aged | old), `accent`, `use_case` … */
  labels: Record<string, string>;
  description: string | null;
}

const premade = (voice_id: string, name: string, gender: string, age: string, accent: string): FakeElevenLabsVoice => ({
  voice_id,
  name,
  category: 'premade',
  labels: { accent, gender, age },
  description: null,
});

/**
 * The account's voices: the first three are ElevenLabs' public premade ones; the rest fill every
 * gender × age the video wizard asks for, with six young women so that its voice list has two pages.
 */
export const FAKE_VOICES: FakeElevenLabsVoice[] = [
  premade('21m00Tcm4TlvDq8ikWAM', 'Rachel', 'female', 'young', 'american'),
  premade('pNInz6obpgDQGcFmaJgB', 'Adam', 'male', 'middle aged', 'american'),
  premade('EXAVITQu4vr4xnSDxMaL', 'Sarah', 'female', 'young', 'american'),
  premade('ErXwobaYiN019PkySvjV', 'Antoni', 'male', 'young', 'american'),
  premade('TxGEqnHWrfWFTfGW9XjX', 'Josh', 'male', 'young', 'american'),
  premade('MF3mGyEYCl7XYWbV9V6O', 'Elli', 'female', 'young', 'american'),
  premade('ThT5KcBeYPX3keUQqHPh', 'Dorothy', 'female', 'young', 'british'),
  premade('oWAxZDx7w5VEj9dCyTzz', 'Grace', 'female', 'young', 'american-southern'),
  premade('piTKgcLEGmPE4e6mEKli', 'Nicole', 'female', 'young', 'american'),
  premade('pqHfZKP75CyOlfNNkjwa', 'Bill', 'male', 'old', 'american'),
  premade('fakeOldWomanVoice0001', 'Agnes', 'female', 'old', 'british'),
];
