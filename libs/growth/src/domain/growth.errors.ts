import { DomainError } from '@genbot/core';

export const dailyBonusAlreadyClaimed = (details: { streak: number; nextClaimAt: string }) =>
  new DomainError('GROWTH_DAILY_BONUS_ALREADY_CLAIMED', 'The daily bonus was already claimed today', details);
export const invalidTimeZone = (timeZone: string) => new DomainError('GROWTH_INVALID_TIME_ZONE', 'Unknown time zone', { timeZone });
export const channelNotOffered = (channel: string) =>
  new DomainError('GROWTH_CHANNEL_NOT_OFFERED', 'No subscription bonus is offered for this channel', { channel });
export const channelUnavailable = (channel: string) =>
  new DomainError('GROWTH_CHANNEL_UNAVAILABLE', 'Telegram could not tell whether the user is a member of this channel', { channel });
export const telegramIdMismatch = () => new DomainError('GROWTH_TELEGRAM_ID_MISMATCH', 'telegramId is not the Telegram id of this user');
export const lotteryNotFound = (details?: Record<string, unknown>) => new DomainError('GROWTH_LOTTERY_NOT_FOUND', 'No such lottery', details);
export const lotteryEntryNotFound = () => new DomainError('GROWTH_LOTTERY_ENTRY_NOT_FOUND', 'The user has no entry in the current lottery');
export const lotteryClosed = () => new DomainError('GROWTH_LOTTERY_CLOSED', 'The lottery is not open for entries');
export const invalidSocialLinks = (links: string[]) =>
  new DomainError('GROWTH_INVALID_SOCIAL_LINKS', 'Each social link must be an https URL of a post', {
    fields: links.map((link) => ({ field: 'socialLinks', value: link })),
  });
export const invalidLottery = (message: string, details?: Record<string, unknown>) => new DomainError('GROWTH_INVALID_LOTTERY', message, details);
export const invalidDayRange = (details: Record<string, unknown>) =>
  new DomainError('GROWTH_INVALID_RANGE', 'from and to must be days (YYYY-MM-DD), from ≤ to, at most a year apart', details);
