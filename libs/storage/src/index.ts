/** Object storage: the port every lib and app uses, and the module choosing S3 or local disk. */
export * from './storage.module';
export * from './application/object-storage';
/** Keys, content sniffing and the upload rule (size → 413, type by bytes → 415). */
export * from './domain/object-key';
export * from './domain/content-type';
export * from './domain/upload';
export * from './application/read-capped';
/** Uploads streamed to a temporary file under the size cap, then to storage without a whole-body Buffer. */
export * from './application/spool';
export { tooLarge } from './domain/storage.errors';
/** Signed `/files/<key>` URLs of the disk backend, checked by public-api's files controller. */
export * from './infrastructure/file-url-signer';
/** The one downloader of client-given URLs (https, public addresses only, capped) and its address rule. */
export * from './infrastructure/safe-downloader';
export * from './domain/address-policy';
/** The adapters, for tests and tools that need a specific backend. */
export * from './infrastructure/disk-storage.adapter';
export * from './infrastructure/s3-storage.adapter';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/storage.error-statuses';
