import { loadSeed003Examples, seed003ShapeProblems } from './seed-003-examples';

describe("seed 003's examples as a contract", () => {
  const examples = loadSeed003Examples();

  it('reads the four responses and two request bodies of the seed', () => {
    expect(examples.createUserRequest).toEqual({
      chat_id: 123456789,
      username: 'newuser',
      referral_code: 'ref_987654321',
      advertising_source: 'src_ads_campaign_01',
    });
    expect(examples.createPaymentRequest).toEqual({ item_name: "Пакет '10 Оживашек'", quantity: 1, price: 100 });
    expect(Object.keys(examples.generateResponse)).toEqual(['main_images', 'bonus_images', 'ozhivashki_spent', 'new_balance']);
    expect(examples.getUserResponse).toMatchObject({ chat_id: 123456789, referral_code: 'ref_123456789', generation_count: 1 });
    expect(Object.keys(examples.createPaymentResponse)).toEqual(['payment_url', 'payment_id']);
  });

  it('accepts the examples themselves and each one where the other allows null', () => {
    const users = [examples.createUserResponse, examples.getUserResponse];
    expect(seed003ShapeProblems(examples.createUserResponse, users)).toEqual([]);
    expect(seed003ShapeProblems(examples.getUserResponse, users)).toEqual([]);
  });

  it('names a missing key, an extra key, a wrong type, a time in another format and a referral code in another form', () => {
    const user = { ...examples.getUserResponse, extra: 1, registered_at: '2024-03-15T12:00:00Z', referral_code: 'ref_abc', ozhivashki: '0' } as Record<
      string,
      unknown
    >;
    delete user.username;
    expect(seed003ShapeProblems(user, [examples.getUserResponse]).sort()).toEqual(
      [
        'extra: not in the seed',
        'username: missing',
        'ozhivashki: string, the seed has integer',
        `registered_at: "2024-03-15T12:00:00Z" is not the seed's time format`,
        'referral_code: "ref_abc" is not ref_<chat_id>',
      ].sort(),
    );
    expect(seed003ShapeProblems({ ...examples.getUserResponse, referred_by: null }, [examples.getUserResponse])).toEqual([
      'referred_by: null, the seed has integer',
    ]);
    expect(seed003ShapeProblems({ ...examples.getUserResponse, referred_by: null }, [examples.getUserResponse], { nullable: ['referred_by'] })).toEqual([]);
    expect(seed003ShapeProblems({ ...examples.generateResponse, main_images: [1] }, [examples.generateResponse])).toEqual([
      'main_images[]: integer among string',
    ]);
  });
});
