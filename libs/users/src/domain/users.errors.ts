import { DomainError } from '@genbot/core';

export const userNotFound = (details?: Record<string, unknown>) => new DomainError('USER_NOT_FOUND', 'User not found', details);
export const userBanned = () => new DomainError('USER_BANNED', 'This account is banned');
