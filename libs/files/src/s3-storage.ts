import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStorage, type IncomingBytes } from './file-storage.js';

/** Where an S3-compatible object store keeps the materials, and how to reach it. */
export interface S3Settings {
  bucket: string;
  /** Each object's key is this prefix and the SHA-256 (`files/ab/cd/abcd…`). */
  prefix: string;
  region: string;
  /** A store other than AWS (MinIO, Ceph, OSS, COS…); absent for AWS itself. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most stores other than AWS want. */
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

const absent = (error: unknown) =>
  error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound');

/**
 * An S3-compatible object store, for more than one api machine: bytes arrive in a local spool file
 * (hashed as they come, as on the local disk), and a commit puts the whole file under its hash with
 * its length known. Putting the same bytes again overwrites one object with itself, which keeps
 * them once and marks them as kept now (the clean-up's clock).
 */
export class S3Storage extends FileStorage {
  private readonly client: S3Client;

  constructor(
    private readonly settings: S3Settings,
    /** The local folder for bytes still arriving. */
    private readonly spool: string,
  ) {
    super();
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Checksums only where S3 requires them: a streamed body with a trailing checksum (aws-chunked)
      // is not understood by every S3-compatible store, and the bytes are hashed here anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private keyOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('a stored file is addressed by a lower-case SHA-256');
    return `${this.settings.prefix}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  async begin(): Promise<IncomingBytes> {
    await mkdir(this.spool, { recursive: true });
    const temporary = join(this.spool, randomUUID());
    const stream: WriteStream = createWriteStream(temporary, { flags: 'wx' });
    const closed = new Promise<void>((resolve, reject) => {
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return {
      stream,
      commit: async (sha256) => {
        await closed;
        try {
          const { size } = await stat(temporary);
          await this.client.send(
            new PutObjectCommand({
              Bucket: this.settings.bucket,
              Key: this.keyOf(sha256),
              Body: createReadStream(temporary),
              ContentLength: size,
              ContentType: 'application/octet-stream',
            }),
          );
        } finally {
          await rm(temporary, { force: true });
        }
      },
      abort: async () => {
        stream.destroy();
        await closed.catch(() => undefined);
        await rm(temporary, { force: true });
      },
    };
  }

  async open(sha256: string): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256) }),
    );
    return object.Body as Readable;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.keptAt(sha256)) !== null;
  }

  async keptAt(sha256: string): Promise<Date | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256) }),
      );
      return head.LastModified ?? null;
    } catch (error) {
      if (absent(error)) return null;
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256) }));
  }
}
