import { APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ChainableCommander, Cluster } from 'ioredis';
import { type LiveMessage, parseLiveMessage } from './live.types.js';

export type LiveListener = (message: LiveMessage) => void;

/**
 * The live channel between processes: Redis pub/sub on `<QUEUE_PREFIX>:live`. Publishing is fire and
 * forget: a change never waits for it and never fails for it, and while Redis is down notices are
 * dropped (live updates pause; clients fetch again when they reconnect). The subscriber connection is
 * made when the first listener comes (an api with a stream open), so a process that only publishes
 * (the worker) holds one connection. The notices published during one turn of the event loop (by
 * every change that committed in it) go to Redis together, as one pipeline: one socket write
 * instead of one for each, in the order they were published.
 */
@Injectable()
export class LiveBus implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveBus');
  readonly channel: string;
  private readonly connect: () => RedisClient;
  private publisher: RedisClient | undefined;
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Set<LiveListener>();
  private readonly closers = new Set<() => void>();
  private closed = false;
  private subscribed = false;
  private publisherReady: Promise<void> | undefined;
  private readonly waiting = new Set<() => void>();
  /** Notices published in this turn of the event loop, sent together when it ends. */
  private pending: LiveMessage[] = [];
  private flushScheduled = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.channel = `${config.queue.prefix}:live`;
    const options = {
      lazyConnect: true,
      // Without the offline queue a publish while Redis is down fails at once instead of piling up.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
    this.connect = () => createRedis(config, options);
  }

  /** Sends the messages to every api process; never throws. */
  publish(messages: readonly LiveMessage[]): void {
    if (this.closed || messages.length === 0) return;
    this.pending.push(...messages);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends the notices published since the last flush, in their order, in one pipeline. */
  private flush(): void {
    this.flushScheduled = false;
    const messages = this.pending;
    this.pending = [];
    if (this.closed || messages.length === 0) return;
    const publisher = this.publisherClient();
    const send = async () => {
      // One wait for every batch sent meanwhile (a cluster client takes a while to be ready).
      if (publisher.status !== 'ready') {
        await (this.publisherReady ??= waitReady(publisher).finally(() => (this.publisherReady = undefined)));
      }
      // In order, on one connection: the notices of one change and of the changes after it arrive in order.
      const replies = (await this.pipelineOf(publisher, messages).exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0] as Error;
    };
    send().catch((error: unknown) => this.logger.debug(`live notices dropped: ${String(error)}`));
  }

  /** The PUBLISH of each message, in order, as one pipeline. */
  private pipelineOf(publisher: RedisClient, messages: readonly LiveMessage[]): ChainableCommander {
    const pipeline = publisher.pipeline();
    for (const message of messages) publishIn(pipeline, this.channel, JSON.stringify(message));
    return pipeline;
  }

  /** The publishing connection, made by the first publish. */
  private publisherClient(): RedisClient {
    if (this.publisher) return this.publisher;
    const publisher = this.connect();
    this.publisher = publisher;
    publisher.on('error', () => undefined);
    if (publisher instanceof Cluster) {
      // A Redis Cluster sends a PUBLISH (which names no key) to any node, each to another, and the
      // nodes pass them on among themselves: notices sent one after the other could arrive out of
      // order. As a script that names the channel as its key, every PUBLISH goes to the one node
      // of the channel's slot (its hash tag), in order, and a pipeline of them stays on that node.
      publisher.defineCommand(PUBLISH_IN_SLOT, {
        numberOfKeys: 1,
        lua: "return redis.call('PUBLISH', KEYS[1], ARGV[1])",
      });
    }
    publisher.connect().catch(() => undefined);
    return publisher;
  }

  /** Calls `listener` with every message of the channel until the returned function is called. */
  listen(listener: LiveListener): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    this.ensureSubscribed();
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once this process listens on the channel, or after `timeoutMs` (Redis down: the stream
   * opens anyway and hears nothing until Redis is back).
   */
  whenSubscribed(timeoutMs = 2000): Promise<boolean> {
    this.ensureSubscribed();
    if (this.subscribed || this.closed) return Promise.resolve(this.subscribed);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(this.subscribed);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiting.add(done);
    });
  }

  /** Calls `close` when the process shuts down (an open stream ends then), until the returned function is called. */
  onClose(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    const subscriber = this.connect();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parseLiveMessage(text);
      if (!message) return;
      for (const listener of this.listeners) {
        try {
          listener(message);
        } catch (error) {
          this.logger.warn(`a live listener failed: ${String(error)}`);
        }
      }
    });
    // On every (re)connection: a first connection made while Redis was down subscribes when it comes up.
    subscriber.on('ready', () => {
      if (this.closed) return;
      subscriber.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
          for (const done of [...this.waiting]) done();
        },
        () => undefined,
      );
    });
    subscriber.on('close', () => (this.subscribed = false));
    subscriber.connect().catch(() => undefined);
  }

  /**
   * Ends the open streams and the connections before the http server closes (it waits for open
   * connections): nothing keeps the process, or app.close(), waiting.
   */
  beforeApplicationShutdown(): void {
    // The notices of this last turn go out before the connection ends (disconnect flushes what was written).
    const last = this.pending;
    this.pending = [];
    if (last.length > 0 && this.publisher?.status === 'ready') {
      this.pipelineOf(this.publisher, last)
        .exec()
        .catch(() => undefined);
    }
    this.closed = true;
    for (const done of [...this.waiting]) done();
    for (const close of [...this.closers]) close();
    this.closers.clear();
    this.listeners.clear();
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}

const PUBLISH_IN_SLOT = 'publishInSlot';

/** Adds a PUBLISH to the pipeline; on a Redis Cluster, to the node of the channel's slot (see publisherClient). */
function publishIn(pipeline: ChainableCommander, channel: string, text: string): void {
  const inSlot = (pipeline as ChainableCommander & Partial<Record<typeof PUBLISH_IN_SLOT, PublishInSlot>>)[
    PUBLISH_IN_SLOT
  ];
  if (inSlot) inSlot.call(pipeline, channel, text);
  else pipeline.publish(channel, text);
}

type PublishInSlot = (key: string, text: string) => ChainableCommander;

/** Resolves when the connection is ready, rejects when it fails or takes longer than a few seconds. */
function waitReady(client: RedisClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('Redis is not reachable')), 3000);
    const onReady = () => finish();
    const onEnd = () => finish(new Error('the Redis connection ended'));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}
