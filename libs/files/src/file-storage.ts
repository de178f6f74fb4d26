import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Bytes being written: kept under their SHA-256 when committed, gone when aborted. */
export interface IncomingBytes {
  readonly stream: NodeJS.WritableStream;
  /** Keeps the bytes under their hash; bytes already kept under it are kept once (the new copy is dropped). */
  commit(sha256: string): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Where the materials' bytes live, addressed by their SHA-256 only: a name or a path the uploader
 * chose never reaches the storage. One driver today (local disk); an object-storage driver is
 * another implementation of this interface.
 */
export abstract class FileStorage {
  abstract begin(): Promise<IncomingBytes>;
  abstract open(sha256: string): Promise<Readable>;
  abstract has(sha256: string): Promise<boolean>;
  /** When the bytes were last kept (written or deduplicated), or null when they are not there. */
  abstract keptAt(sha256: string): Promise<Date | null>;
  abstract remove(sha256: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Local disk under one folder: `<root>/ab/cd/abcd…` per hash, `<root>/.incoming/` while writing. */
export class LocalDiskStorage extends FileStorage {
  constructor(private readonly root: string) {
    super();
  }

  private pathOf(sha256: string): string {
    // The hash is ours (computed while streaming), but a path is built from it: check it all the same.
    if (!SHA256.test(sha256)) throw new Error('a stored file is addressed by a lower-case SHA-256');
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async begin(): Promise<IncomingBytes> {
    const incoming = join(this.root, '.incoming');
    await mkdir(incoming, { recursive: true });
    const temporary = join(incoming, randomUUID());
    const stream: WriteStream = createWriteStream(temporary, { flags: 'wx' });
    const closed = new Promise<void>((resolve, reject) => {
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return {
      stream,
      commit: async (sha256) => {
        await closed;
        const target = this.pathOf(sha256);
        await mkdir(join(target, '..'), { recursive: true });
        if (await this.has(sha256)) {
          await rm(temporary, { force: true });
          const now = new Date();
          await utimes(target, now, now);
        } else {
          await rename(temporary, target);
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
    const path = this.pathOf(sha256);
    await access(path);
    return createReadStream(path);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.keptAt(sha256)) !== null;
  }

  async keptAt(sha256: string): Promise<Date | null> {
    try {
      return (await stat(this.pathOf(sha256))).mtime;
    } catch {
      return null;
    }
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}
