import { AuditWriter } from '#audit';
import { APP_CONFIG, type AppConfig } from '#config';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { FileStorage, LocalDiskStorage } from './file-storage.js';
import { FilesService } from './files.service.js';
import { S3Storage } from './s3-storage.js';

@Module({
  providers: [
    FilesService,
    AuditWriter,
    {
      provide: FileStorage,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): FileStorage =>
        config.files.storage === 's3'
          ? new S3Storage(config.files.s3, join(config.files.dir, '.incoming'))
          : new LocalDiskStorage(config.files.dir),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
