import { connect, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';

import { VirtualClock, type Logger } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

import { startMemcachedServer, type MemcachedLimits, type MemcachedServer } from '../src/index.js';

/** Start of the virtual clock in tests: 2023-11-14T22:13:20Z, so absolute exptimes are realistic. */
export const TEST_START_MS = 1_700_000_000_000;

/** Maximum time a test waits for a reply or a close before failing. */
export const REPLY_TIMEOUT_MS = 5_000;

export interface TestServer {
  server: MemcachedServer;
  table: SessionTable;
  clock: VirtualClock;
  port: number;
  udpPort: number | null;
  close(): Promise<void>;
}

export interface TestServerOptions {
  limits?: Partial<MemcachedLimits>;
  logger?: Logger;
  udp?: boolean;
  version?: string;
  capacity?: number;
}

/** Starts a server on 127.0.0.1, port 0, over a fresh table and virtual clock. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = new VirtualClock(TEST_START_MS);
  const table = new SessionTable({ clock, capacity: options.capacity ?? 100_000 });
  const server = await startMemcachedServer({
    table,
    clock,
    host: '127.0.0.1',
    port: 0,
    ...(options.udp ? { udpPort: 0 } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    server,
    table,
    clock,
    port: server.address.port,
    udpPort: server.address.udpPort,
    close: () => server.close({ drainTimeoutMs: 500 }),
  };
}

/** A TCP client that sends raw bytes and collects raw replies. */
export class RawClient {
  readonly socket: Socket;
  #chunks: Buffer[] = [];
  #length = 0;
  #waiters: Array<() => void> = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received and not yet taken. */
  get pending(): Buffer {
    return this.#received;
  }

  get #received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  #take(): Buffer {
    const receivedBytes = this.#received;
    this.#chunks = [];
    this.#length = 0;
    return receivedBytes;
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Waits until `done(received)` holds, then takes and returns everything received. */
  async readUntil(done: (received: Buffer) => boolean, description: string, timeoutMs = REPLY_TIMEOUT_MS): Promise<Buffer> {
    const met = await this.#waitFor(() => done(this.#received), timeoutMs);
    if (!met) {
      const state = this.#closed ? 'connection closed' : 'timed out';
      throw new Error(`${state} while waiting for ${description}; received ${describe(this.#received)}`);
    }
    return this.#take();
  }

  /** Waits until `condition` holds, the connection closes, or the time is up. Returns the condition. */
  async #waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remainingMs = deadline - Date.now();
      if (this.#closed || remainingMs <= 0) return condition();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remainingMs);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** Reads until the received text ends with `suffix`; returns it as latin1 text. */
  async readUntilEndsWith(suffix: string, timeoutMs = REPLY_TIMEOUT_MS): Promise<string> {
    const tail = Buffer.from(suffix, 'latin1');
    const bytes = await this.readUntil(
      (received) => received.length >= tail.length && received.subarray(received.length - tail.length).equals(tail),
      JSON.stringify(suffix),
      timeoutMs,
    );
    return bytes.toString('latin1');
  }

  /** Waits for at least `byteCount` bytes and takes everything received. */
  async readBytes(byteCount: number, timeoutMs = REPLY_TIMEOUT_MS): Promise<Buffer> {
    const met = await this.#waitFor(() => this.#length >= byteCount, timeoutMs);
    if (!met) throw new Error(`timed out or closed waiting for ${byteCount} bytes; received ${this.#length}`);
    return this.#take();
  }

  /**
   * Sends `request` followed by `version\r\n` and returns the reply text before the VERSION
   * line, so a test gets exactly what `request` produced, including nothing at all.
   */
  async text(request: string | Buffer, version = '1.4.39'): Promise<string> {
    this.send(request);
    this.send('version\r\n');
    const reply = await this.readUntilEndsWith(`VERSION ${version}\r\n`);
    return reply.slice(0, reply.length - `VERSION ${version}\r\n`.length);
  }

  /** Waits for the server to close the connection, keeping what was received; false on timeout. */
  waitClosed(timeoutMs = REPLY_TIMEOUT_MS): Promise<boolean> {
    return this.#waitFor(() => this.#closed, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

function describe(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 400).toString('latin1'));
  return bytes.length > 400 ? `${text}... (${bytes.length} bytes)` : text;
}

/** One binary protocol request; lengths are computed from the parts unless overridden. */
export interface BinaryRequest {
  opcode: number;
  key?: Buffer | string;
  extras?: Buffer;
  value?: Buffer | string;
  opaque?: number;
  cas?: bigint;
  magic?: number;
  keyLength?: number;
  extrasLength?: number;
  bodyLength?: number;
}

export function binaryRequest(request: BinaryRequest): Buffer {
  const key = typeof request.key === 'string' ? Buffer.from(request.key, 'latin1') : (request.key ?? Buffer.alloc(0));
  const extras = request.extras ?? Buffer.alloc(0);
  const value = typeof request.value === 'string' ? Buffer.from(request.value, 'latin1') : (request.value ?? Buffer.alloc(0));
  const header = Buffer.alloc(24);
  header[0] = request.magic ?? 0x80;
  header[1] = request.opcode;
  header.writeUInt16BE(request.keyLength ?? key.length, 2);
  header[4] = request.extrasLength ?? extras.length;
  header.writeUInt32BE(request.bodyLength ?? extras.length + key.length + value.length, 8);
  header.writeUInt32BE(request.opaque ?? 0, 12);
  header.writeBigUInt64BE(request.cas ?? 0n, 16);
  return Buffer.concat([header, extras, key, value]);
}

/** Extras of SET/ADD/REPLACE: flags and exptime. */
export function storeExtras(flags: number, exptime: number): Buffer {
  const extras = Buffer.alloc(8);
  extras.writeUInt32BE(flags, 0);
  extras.writeUInt32BE(exptime >>> 0, 4);
  return extras;
}

/** Extras of INCREMENT/DECREMENT: delta, initial, exptime. */
export function counterExtras(delta: bigint, initial: bigint, exptime: number): Buffer {
  const extras = Buffer.alloc(20);
  extras.writeBigUInt64BE(delta, 0);
  extras.writeBigUInt64BE(initial, 8);
  extras.writeUInt32BE(exptime >>> 0, 16);
  return extras;
}

export interface BinaryResponse {
  magic: number;
  opcode: number;
  keyLength: number;
  extrasLength: number;
  dataType: number;
  status: number;
  bodyLength: number;
  opaque: number;
  cas: bigint;
  extras: Buffer;
  key: Buffer;
  value: Buffer;
}

/** Splits a byte stream into binary responses; throws when it ends inside one. */
export function parseBinaryResponses(bytes: Buffer): BinaryResponse[] {
  const responses: BinaryResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 24) throw new Error(`truncated response header at ${offset}`);
    const keyLength = bytes.readUInt16BE(offset + 2);
    const extrasLength = bytes[offset + 4]!;
    const bodyLength = bytes.readUInt32BE(offset + 8);
    const bodyStart = offset + 24;
    if (bytes.length < bodyStart + bodyLength) throw new Error(`truncated response body at ${offset}`);
    responses.push({
      magic: bytes[offset]!,
      opcode: bytes[offset + 1]!,
      keyLength,
      extrasLength,
      dataType: bytes[offset + 5]!,
      status: bytes.readUInt16BE(offset + 6),
      bodyLength,
      opaque: bytes.readUInt32BE(offset + 12),
      cas: bytes.readBigUInt64BE(offset + 16),
      extras: bytes.subarray(bodyStart, bodyStart + extrasLength),
      key: bytes.subarray(bodyStart + extrasLength, bodyStart + extrasLength + keyLength),
      value: bytes.subarray(bodyStart + extrasLength + keyLength, bodyStart + bodyLength),
    });
    offset = bodyStart + bodyLength;
  }
  return responses;
}

/** True when `bytes` is a whole number of binary responses and the last one is a NOOP reply. */
function endsWithNoop(bytes: Buffer): boolean {
  try {
    const responses = parseBinaryResponses(bytes);
    return responses.length > 0 && responses[responses.length - 1]!.opcode === 0x0a;
  } catch {
    return false;
  }
}

/** Sends `requests` then a NOOP and returns the responses before the NOOP's. */
export async function binaryExchange(client: RawClient, ...requests: Buffer[]): Promise<BinaryResponse[]> {
  client.send(Buffer.concat([...requests, binaryRequest({ opcode: 0x0a, opaque: 0xfeedface })]));
  const bytes = await client.readUntil(endsWithNoop, 'the NOOP response');
  const responses = parseBinaryResponses(bytes);
  return responses.slice(0, -1);
}

/** A UDP client for the memcached frame format. */
export class UdpClient {
  readonly socket: UdpSocket;
  #datagrams: Buffer[] = [];
  #waiters: Array<() => void> = [];

  private constructor(socket: UdpSocket) {
    this.socket = socket;
    socket.on('message', (message) => {
      this.#datagrams.push(message);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
  }

  static async open(): Promise<UdpClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpClient(socket);
  }

  send(port: number, datagram: Buffer): void {
    this.socket.send(datagram, port, '127.0.0.1');
  }

  /** Waits for `count` datagrams and returns them in arrival order. */
  async receive(count: number, timeoutMs = REPLY_TIMEOUT_MS): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#datagrams.length < count) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new Error(`timed out waiting for ${count} datagrams, got ${this.#datagrams.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remainingMs);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#datagrams.splice(0, count);
  }

  get queued(): number {
    return this.#datagrams.length;
  }

  close(): void {
    this.socket.close();
  }
}

/** Builds a memcached UDP frame: request id, sequence, total, reserved. */
export function udpFrame(requestId: number, payload: Buffer | string, sequence = 0, total = 1): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(requestId, 0);
  header.writeUInt16BE(sequence, 2);
  header.writeUInt16BE(total, 4);
  return Buffer.concat([header, typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload]);
}

/** Path of a Debian tool, or null when it is not installed. */
export function findTool(name: string): string | null {
  const result = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path.length > 0 ? path : null;
}

/**
 * Skips (or in CI fails) a test that needs an installed tool. Returns the tool's path, or
 * null after calling `skip`.
 */
export function requireTool(name: string, skip: (message: string) => void): string | null {
  const path = findTool(name);
  if (path !== null) return path;
  const message = `${name} is not installed (Debian package libmemcached-tools, memcached or python3-*)`;
  if (process.env.CI === 'true') throw new Error(message);
  skip(message);
  return null;
}

/** Polls `condition` every few milliseconds, for at most `timeoutMs`; fails with `description` on timeout. */
export async function waitUntil(condition: () => boolean, description: string, timeoutMs = REPLY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out waiting until ${description}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}
