import type { Socket } from 'node:net';

import type { Logger } from '@triggerbox/core';

import { REQUEST_MAGIC } from './binary-format.js';
import { BinarySession } from './binary-protocol.js';
import type { FlushScheduler, Flushable } from './flush-scheduler.js';
import { InputBuffer } from './input-buffer.js';
import type { ProtocolContext, SessionStatus } from './protocol-context.js';
import { ReplyWriter } from './reply-writer.js';
import { TextSession } from './text-protocol.js';

/**
 * One TCP client. The first byte picks the protocol for the whole connection: 0x80 is binary,
 * anything else is text. Replies are collected and written once per event-loop turn. When more
 * than `maxOutputBytes` of replies wait for the client, the connection stops reading until the
 * socket drains, so a client that never reads cannot make the server buffer without bound.
 */
export class Connection implements Flushable {
  readonly id: number;
  readonly #socket: Socket;
  readonly #ctx: ProtocolContext;
  readonly #logger: Logger;
  readonly #flushScheduler: FlushScheduler;
  readonly #input = new InputBuffer();
  readonly #out = new ReplyWriter();
  #session: TextSession | BinarySession | null = null;
  /** Reading is paused until the socket drains. */
  #waitingForDrain = false;
  #closing = false;
  #draining = false;
  /** `performance.now()` of the last read, write or drain, for the idle timeout. */
  #lastActivityMs = performance.now();

  constructor(id: number, socket: Socket, ctx: ProtocolContext, logger: Logger, flushScheduler: FlushScheduler) {
    this.id = id;
    this.#socket = socket;
    this.#ctx = ctx;
    this.#logger = logger;
    this.#flushScheduler = flushScheduler;

    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.#onDrain());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#logger.debug('memcached connection error', { connection: id, code: error.code, error: error.message });
    });
  }

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    if (this.#socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }

  /**
   * Stops taking new commands: the command being received may still complete, then the
   * replies are sent and the connection closes.
   */
  drain(): void {
    this.#draining = true;
    this.#closeIfDrained();
  }

  /** Closes at once, dropping unsent replies. */
  destroy(): void {
    this.#closing = true;
    this.#flushScheduler.cancel(this);
    this.#socket.destroy();
  }

  /**
   * Closes the connection when nothing was read, written or drained for `idleTimeoutMs`.
   * Returns true when it did. Called by the server's idle sweep.
   */
  closeIfIdle(nowMs: number): boolean {
    const idleTimeoutMs = this.#ctx.limits.idleTimeoutMs;
    if (this.#closing || nowMs - this.#lastActivityMs < idleTimeoutMs) return false;
    this.#ctx.counters.idleKicks++;
    this.#logger.debug('memcached connection idle, closing', { connection: this.id, idleTimeoutMs });
    this.destroy();
    return true;
  }

  #onData(chunk: Buffer): void {
    this.#lastActivityMs = performance.now();
    this.#ctx.counters.bytesRead += chunk.length;
    if (this.#closing) return;

    this.#input.push(chunk);
    if (this.#session === null) {
      this.#session = chunk[0] === REQUEST_MAGIC ? new BinarySession(this.#ctx, this.#out) : new TextSession(this.#ctx, this.#out);
    }
    this.#run();
  }

  #run(): void {
    const session = this.#session;
    if (session === null || this.#closing) return;

    session.outputBudget = this.#ctx.limits.maxOutputBytes - this.#socket.writableLength;
    const status = session.process(this.#input);
    this.#afterProcess(status);
  }

  #afterProcess(status: SessionStatus): void {
    switch (status) {
      case 'close':
        this.#logger.debug('memcached connection closing', { connection: this.id, reason: this.#session?.closeReason });
        this.#close();
        return;
      case 'output-full':
        this.flush();
        if (this.#socket.writableNeedDrain) {
          this.#waitingForDrain = true;
          this.#socket.pause();
        } else {
          setImmediate(() => this.#run());
        }
        return;
      case 'need-input':
        if (this.#input.length > this.#ctx.limits.maxBufferBytes) {
          this.#ctx.counters.bufferKicks++;
          this.#logger.debug('memcached connection closing', { connection: this.id, reason: 'input over maxBufferBytes' });
          this.#close();
          return;
        }
        if (this.#out.length > 0) this.#flushScheduler.schedule(this);
        this.#closeIfDrained();
        return;
    }
  }

  #onDrain(): void {
    this.#lastActivityMs = performance.now();
    if (!this.#waitingForDrain) return;
    this.#waitingForDrain = false;
    this.#socket.resume();
    this.#run();
  }

  /** Writes the collected replies to the socket. */
  flush(): void {
    if (this.#out.length === 0 || this.#socket.destroyed) return;
    const chunks = this.#out.take();
    const socket = this.#socket;
    let byteCount = 0;
    if (chunks.length === 1) {
      byteCount = chunks[0]!.length;
      socket.write(chunks[0]!);
    } else {
      socket.cork();
      for (const chunk of chunks) {
        byteCount += chunk.length;
        socket.write(chunk);
      }
      socket.uncork();
    }
    this.#ctx.counters.bytesWritten += byteCount;
    this.#lastActivityMs = performance.now();
  }

  #closeIfDrained(): void {
    if (!this.#draining || this.#closing) return;
    const idle = this.#session === null || this.#session.idle;
    if (idle && this.#input.length === 0) this.#close();
  }

  /** Sends what is queued, then closes. Input arriving afterwards is ignored. */
  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#flushScheduler.cancel(this);
    this.flush();
    this.#input.clear();
    this.#socket.end();
  }
}
