import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Already encoded: sent as it is. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

/**
 * Requests over keep-alive connections to a listening server, with exactly the bytes given: no
 * client library re-encodes the path, drops a duplicate header or fixes a content type. A request
 * that gets no answer (connection reset, timeout) rejects.
 */
export class RawHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    private readonly port: number,
    private readonly timeoutMs = 15_000,
  ) {}

  /**
   * Sends once; when a kept-alive socket the server was closing just then (its keep-alive timeout)
   * resets before any answer, sends again on a fresh one, as Node's documentation advises: the server
   * never read the first.
   */
  async send(request: RawRequest): Promise<RawResponse> {
    try {
      return await this.sendOnce(request);
    } catch (error) {
      if (
        (error as { reusedSocket?: boolean }).reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET'
      ) {
        return this.sendOnce(request);
      }
      throw error;
    }
  }

  private sendOnce(request: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...request.headers };
      if (request.body) headers['content-length'] = String(request.body.length);
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method: request.method, path: request.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = req.reusedSocket;
        reject(error);
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Percent-encodes the UTF-8 bytes of a string (a lone surrogate becomes U+FFFD, as any client would send). */
export function percentEncode(value: string): string {
  if (!/\p{Cs}/u.test(value)) return encodeURIComponent(value);
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
