import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

import type { Logger } from '@triggerbox/core';

import { REQUEST_MAGIC } from './binary-format.js';
import { BinarySession } from './binary-protocol.js';
import { memcachedError } from './errors.js';
import { InputBuffer } from './input-buffer.js';
import type { ProtocolContext } from './protocol-context.js';
import { ReplyWriter } from './reply-writer.js';
import { TextSession } from './text-protocol.js';

/** Bytes of the frame header in front of every memcached UDP datagram. */
export const UDP_HEADER_BYTES = 8;

/** Largest reply datagram, frame header included (`UDP_MAX_PAYLOAD_SIZE` in memcached). */
export const UDP_MAX_DATAGRAM_BYTES = 1400;

const UDP_MAX_PAYLOAD_BYTES = UDP_MAX_DATAGRAM_BYTES - UDP_HEADER_BYTES;

/** The sequence and total fields are 16 bits wide, so one reply spans at most this many datagrams. */
const MAX_DATAGRAMS_PER_REPLY = 0xffff;

/**
 * The memcached UDP transport. A datagram is an 8-byte frame header (request id, sequence,
 * total, reserved; big-endian u16 each) and a payload of text or binary commands. Only
 * single-datagram requests are served, others are dropped as memcached 1.4 does in practice.
 * Each command's reply goes back as its own message, cut into datagrams of at most 1400 bytes
 * that echo the request id and carry their sequence number and the total.
 */
export class UdpListener {
  readonly #socket: Socket;
  readonly #ctx: ProtocolContext;
  readonly #logger: Logger;

  private constructor(socket: Socket, ctx: ProtocolContext, logger: Logger) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#logger = logger;
    socket.on('message', (message, remote) => this.#onMessage(message, remote));
    socket.on('error', (error) => this.#logger.warn('memcached UDP socket error', { error: error.message }));
  }

  static async listen(host: string, port: number, ctx: ProtocolContext, logger: Logger): Promise<UdpListener> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(
          memcachedError(
            'TB_ERR_MEMCACHED_LISTEN_FAILED',
            `Listening for memcached UDP on ${host} port ${port} failed: ${error.message}. Choose another udpPort, or 0 for any free port.`,
            { cause: error },
          ),
        );
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    return new UdpListener(socket, ctx, logger);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #onMessage(message: Buffer, remote: RemoteInfo): void {
    const counters = this.#ctx.counters;
    counters.bytesRead += message.length;
    if (message.length <= UDP_HEADER_BYTES || message.readUInt16BE(4) !== 1) {
      counters.udpDropped++;
      return;
    }

    const requestId = message.readUInt16BE(0);
    const payload = message.subarray(UDP_HEADER_BYTES);
    const out = new ReplyWriter();
    out.onReplyEnd = () => this.#sendReply(out.take(), requestId, remote);

    const input = new InputBuffer();
    input.push(payload);
    const session =
      payload[0] === REQUEST_MAGIC ? new BinarySession(this.#ctx, out) : new TextSession(this.#ctx, out);
    // A command cut off by the end of the datagram is dropped with it.
    session.process(input);
    if (out.length > 0) this.#sendReply(out.take(), requestId, remote);
  }

  #sendReply(chunks: Buffer[], requestId: number, remote: RemoteInfo): void {
    if (chunks.length === 0) return;
    const reply = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (reply.length === 0) return;

    const total = Math.ceil(reply.length / UDP_MAX_PAYLOAD_BYTES);
    if (total > MAX_DATAGRAMS_PER_REPLY) {
      this.#logger.warn('memcached UDP reply too large, dropped', { bytes: reply.length, client: remote.address });
      return;
    }

    for (let sequence = 0; sequence < total; sequence++) {
      const piece = reply.subarray(sequence * UDP_MAX_PAYLOAD_BYTES, (sequence + 1) * UDP_MAX_PAYLOAD_BYTES);
      const datagram = Buffer.allocUnsafe(UDP_HEADER_BYTES + piece.length);
      datagram.writeUInt16BE(requestId, 0);
      datagram.writeUInt16BE(sequence, 2);
      datagram.writeUInt16BE(total, 4);
      datagram.writeUInt16BE(0, 6);
      piece.copy(datagram, UDP_HEADER_BYTES);
      this.#socket.send(datagram, remote.port, remote.address);
      this.#ctx.counters.bytesWritten += datagram.length;
    }
  }
}
