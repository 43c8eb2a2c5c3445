import { DomainError } from '@genbot/core';
import { AdminRole } from './admin-role';

export const adminNotAllowed = () => new DomainError('ADMIN_NOT_ALLOWED', 'This Telegram account is not an administrator');
export const adminRoleTooLow = (required: AdminRole, role: AdminRole) =>
  new DomainError('ADMIN_ROLE_FORBIDDEN', `This action needs the ${required} role or higher; you are ${role}`, { required, role });
export const adminNotFound = (telegramId: string) => new DomainError('ADMIN_NOT_FOUND', 'No administrator with this Telegram id', { telegramId });
export const adminExists = (telegramId: string) => new DomainError('ADMIN_EXISTS', 'This Telegram id is an administrator already', { telegramId });
export const adminConfiguredOwner = (telegramId: string) =>
  new DomainError('ADMIN_CONFIGURED_OWNER', 'This owner comes from ADMIN_TELEGRAM_IDS and changes only there', { telegramId });

/** Admin error codes as HTTP statuses, for admin-api's `createHttpApp`. */
export const ADMIN_ERROR_STATUSES: Readonly<Record<string, number>> = {
  ADMIN_NOT_ALLOWED: 403,
  ADMIN_ROLE_FORBIDDEN: 403,
  ADMIN_NOT_FOUND: 404,
  ADMIN_EXISTS: 409,
  ADMIN_CONFIGURED_OWNER: 409,
};
