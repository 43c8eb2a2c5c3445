import type { TestingModule } from '@nestjs/testing';
import { createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { UsersModule, UsersService } from '@genbot/users';
import { VoiceCommandsService } from '../application/voice-commands.service';
import { SpeechModule } from '../speech.module';

describe('voice command log', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([UsersModule, SpeechModule]);
  });
  afterAll(() => moduleRef.close());

  it("keeps each voice message's transcript, intent and outcome, newest first", async () => {
    const { user } = await moduleRef.get(UsersService).register({ telegramId: String(uniqueTelegramId()) });
    const voice = moduleRef.get(VoiceCommandsService);

    await voice.log({ userId: user.id, transcript: 'Покажи баланс', intent: 'balance', outcome: 'intent', provider: 'elevenlabs', durationSeconds: 2 });
    await voice.log({ userId: user.id, transcript: null, intent: null, outcome: 'not_configured', provider: null, durationSeconds: 3 });

    expect(await voice.recent(user.id)).toEqual([
      expect.objectContaining({ userId: user.id, transcript: null, intent: null, outcome: 'not_configured', provider: null, durationSeconds: 3 }),
      expect.objectContaining({ transcript: 'Покажи баланс', intent: 'balance', outcome: 'intent', provider: 'elevenlabs', durationSeconds: 2 }),
    ]);
  });
});
