import { MigrationInterface, QueryRunner } from 'typeorm';

/** Seed 000's `selected_voice_id`: the voice a user last chose in the video wizard, offered again next time. */
export class UsersSelectedVoice1764001600000 implements MigrationInterface {
  name = 'UsersSelectedVoice1764001600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN selected_voice_id varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN selected_voice_id`);
  }
}
