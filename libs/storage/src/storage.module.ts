import { Logger, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig, persistentSecret } from '@genbot/core';
import { ObjectStorage } from './application/object-storage';
import { DiskStorageAdapter } from './infrastructure/disk-storage.adapter';
import { FileUrlSigner } from './infrastructure/file-url-signer';
import { SafeDownloader } from './infrastructure/safe-downloader';
import { S3StorageAdapter } from './infrastructure/s3-storage.adapter';

const S3_VARIABLES = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/**
 * S3 once any S3_* connection variable is set (then all four are required, so a typo cannot
 * silently fall back to local disk), otherwise files on disk under DATA_DIR/storage.
 */
export function createObjectStorage(config: AppConfig, signer: FileUrlSigner): ObjectStorage {
  const { env } = config;
  if (S3_VARIABLES.some((name) => env[name] !== undefined)) {
    const why = 'when any S3_* variable is set (leave them all unset to keep files on local disk)';
    return new S3StorageAdapter({
      endpoint: config.require('S3_ENDPOINT', why),
      region: env.S3_REGION,
      bucket: config.require('S3_BUCKET', why),
      accessKeyId: config.require('S3_ACCESS_KEY_ID', why),
      secretAccessKey: config.require('S3_SECRET_ACCESS_KEY', why),
      publicBaseUrl: env.S3_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    });
  }
  // Resolved now, not on the first upload: production without FILE_URL_SECRET stops at boot.
  void signer.secret;
  const baseUrl = (env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PUBLIC_API_PORT}`).replace(/\/+$/, '');
  return new DiskStorageAdapter({ root: join(env.DATA_DIR, 'storage'), baseUrl, signer });
}

@Module({
  providers: [
    {
      provide: FileUrlSigner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Storage');
        return new FileUrlSigner(() => persistentSecret(config, config.env.FILE_URL_SECRET, 'FILE_URL_SECRET', (line) => logger.warn(line)));
      },
    },
    { provide: ObjectStorage, inject: [AppConfig, FileUrlSigner], useFactory: createObjectStorage },
    {
      provide: SafeDownloader,
      inject: [AppConfig],
      useFactory: ({ env }: AppConfig) =>
        new SafeDownloader({
          allowHttpHosts: env.DOWNLOAD_ALLOW_HTTP_HOSTS,
          timeoutMs: env.DOWNLOAD_TIMEOUT_MS,
          minBytesPerSecond: env.DOWNLOAD_MIN_BYTES_PER_SECOND,
        }),
    },
  ],
  exports: [ObjectStorage, FileUrlSigner, SafeDownloader],
})
export class StorageModule {}
