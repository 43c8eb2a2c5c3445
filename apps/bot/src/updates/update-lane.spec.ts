import type { Update } from 'telegraf/types';
import { laneOf } from './update-lane';

const as = (value: object) => value as unknown as Update;

describe('laneOf', () => {
  it('puts messages, button presses and membership changes of one chat in one lane', () => {
    const chat = { id: 42, type: 'private' };
    expect(laneOf(as({ update_id: 1, message: { chat, from: { id: 7 } } }))).toBe('c42');
    expect(laneOf(as({ update_id: 2, callback_query: { from: { id: 7 }, message: { chat } } }))).toBe('c42');
    expect(laneOf(as({ update_id: 3, my_chat_member: { chat, from: { id: 7 } } }))).toBe('c42');
    expect(laneOf(as({ update_id: 4, edited_message: { chat: { id: -100123 } } }))).toBe('c-100123');
  });

  it('uses the sender when there is no chat, and the update itself when there is neither', () => {
    expect(laneOf(as({ update_id: 5, pre_checkout_query: { id: 'q', from: { id: 9 } } }))).toBe('u9');
    expect(laneOf(as({ update_id: 6, callback_query: { from: { id: 9 }, inline_message_id: 'i' } }))).toBe('u9');
    expect(laneOf(as({ update_id: 7, poll: { id: 'p', question: '?' } }))).toBe('x7');
  });
});
