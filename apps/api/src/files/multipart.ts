import { DomainError, validationFailed } from '#common';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** What a multipart body may carry besides the file's own bytes (boundaries, part headers). */
const ENVELOPE_BYTES = 64 * 1024;

/** Bytes taken from the part named file, to be dropped when the body around them turns out malformed. */
export interface Discardable {
  discard(): Promise<void>;
}

/**
 * Reads the one part named `file` of a multipart/form-data body as a stream and hands it to
 * `receive`; answers what it received with the name the uploader gave, once the whole body has been
 * read and found well-formed. A body cut short or malformed after the file is refused, and what was
 * received is discarded, so a refused upload keeps nothing. A body declared larger than the limit
 * is refused before a byte is read; one that turns out larger is cut off by `receive` as it
 * streams. What is left of a refused body is read and dropped by Node after the answer, so memory
 * holds a chunk at a time whatever the upload's size.
 */
export function receiveOneFile<T extends Discardable>(
  req: IncomingMessage,
  maxBytes: number,
  receive: (stream: Readable) => Promise<T>,
): Promise<{ name: string | undefined; received: T }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) {
    return Promise.reject(new DomainError('TooLarge', `the file is larger than the limit of ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes + 1, fields: 0, parts: 2, headerPairs: 20 },
      });
    } catch {
      reject(validationFailed('the upload must be multipart/form-data with a boundary, its file in a part named file'));
      return;
    }
    let settled = false;
    let name: string | undefined;
    let receiving: Promise<T> | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Whatever was, or is still being, received is dropped: nothing of a refused upload is kept.
      receiving?.then((received) => received.discard()).catch(() => undefined);
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      // A part's stream fails when the body ends inside it; `receive` hears of it through its reading.
      stream.on('error', () => undefined);
      if (field !== 'file' || receiving) {
        stream.resume();
        return;
      }
      name = info.filename;
      receiving = receive(stream);
      receiving.catch((error: unknown) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on('error', () => fail(validationFailed('the multipart body is malformed')));
    parser.on('close', () => {
      if (settled) return;
      if (!receiving) {
        fail(validationFailed('the upload has no part named file'));
        return;
      }
      receiving.then(
        (received) => {
          if (settled) {
            void received.discard().catch(() => undefined);
            return;
          }
          settled = true;
          resolve({ name, received });
        },
        () => undefined,
      );
    });
    req.pipe(parser);
  });
}
