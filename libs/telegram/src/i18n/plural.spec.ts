import { credits, plural } from './plural';

describe('plural', () => {
  it.each([
    [1, '1 credit'],
    [0, '0 credits'],
    [2, '2 credits'],
    [21, '21 credits'],
  ])('en: %i → %s', (n, text) => expect(credits('en', n)).toBe(text));

  it.each([
    [1, '1 кредит'],
    [2, '2 кредита'],
    [4, '4 кредита'],
    [5, '5 кредитов'],
    [11, '11 кредитов'],
    [12, '12 кредитов'],
    [21, '21 кредит'],
    [22, '22 кредита'],
    [25, '25 кредитов'],
    [111, '111 кредитов'],
    [0, '0 кредитов'],
  ])('ru: %i → %s', (n, text) => expect(credits('ru', n)).toBe(text));

  it.each([
    [1, '1 kredit'],
    [5, '5 kredit'],
  ])('uz: %i → %s', (n, text) => expect(credits('uz', n)).toBe(text));

  it('falls back to the other form when a language lacks a category', () => {
    expect(plural('ru', 3, { other: 'фото' })).toBe('3 фото');
  });
});
