import { MigrationInterface, QueryRunner } from 'typeorm';

const SLUG = 'talking-head-video';

/**
 * Seed 000's video: the script spoken in the chosen voice (ElevenLabs), then the character's
 * portrait speaking it (fal's talking-head model), as one generation with one hold. 1 credit per
 * video as seed 000 charges (`spend_credits(tg_id, 1, "ugc_video_creation")`); operators change it
 * like any model's price.
 */
export class TalkingHeadVideo1764001600200 implements MigrationInterface {
  name = 'TalkingHeadVideo1764001600200';

  async up(q: QueryRunner): Promise<void> {
    const [{ id }]: { id: string }[] = await q.query(
      `INSERT INTO models (slug, display_name, description, kind, modes, provider, provider_model, options_schema, min_input_images, max_input_images,
                           outputs_per_run, avg_duration_seconds, timeout_seconds, service_type, sort_order)
       VALUES ($1, 'Talking head video', 'A character speaks your script in the voice you choose', 'video', '{talking_head}', 'talking-head-chain',
               'fal-ai/sadtalker', $2, 1, 1, 1, 150, 1500, 'talking_head',
               coalesce((SELECT sort_order + 1 FROM models WHERE slug = 'talking-head'), 0))
       RETURNING id`,
      [SLUG, { voice_id: { type: 'string', required: true, maxLength: 64 } }],
    );
    await q.query(`INSERT INTO model_prices (model_id, mode, match, credits) VALUES ($1, NULL, '{}', 1)`, [id]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM models WHERE slug = $1`, [SLUG]);
  }
}
