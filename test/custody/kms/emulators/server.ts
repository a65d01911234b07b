/**
 * The small HTTP server each KMS emulator runs on (loopback, a free port), with the faults the
 * tests need switched on at run time: a service that never answers, one that answers garbage, one
 * that signs with the wrong key. Keys are real Ed25519 (and P-256) keys from node:crypto.
 */
import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** What an emulator is told to do wrong. */
export type Fault = 'none' | 'hang' | 'garbage' | 'wrong-signature';

/** One request as the emulator received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A reply a handler gives. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` (https with TLS). */
  readonly url: string;
  readonly port: number;
  /** Switch a fault on (or back to 'none'). */
  fault: Fault;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server answering with `handle`, after the generic faults. */
export async function serve(handle: (req: SeenRequest, emu: Emulator) => Reply, opts: { tls?: { key: string; cert: string } } = {}): Promise<Emulator> {
  const requests: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      if (emu.fault === 'hang') return; // never answers; close() drops the connection
      if (emu.fault === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('\u0000<html>502 upstream {{{ not json');
        return;
      }
      let reply: Reply;
      try {
        reply = handle(seen, emu);
      } catch (e) {
        reply = { status: 500, body: String(e) };
      }
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  };
  const server: Server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const emu: Emulator = {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    fault: 'none',
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emu;
}

/** A fresh Ed25519 key pair. */
export function ed25519(): { privateKey: KeyObject; publicKey: KeyObject; raw: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, raw: rawEd25519(publicKey) };
}

/** A fresh P-256 key pair (the wrong kind of key, for KEY_NOT_ED25519). */
export function p256(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** The 32 raw bytes of an Ed25519 public key. */
export function rawEd25519(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url'));
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Reply {
  return { status, headers, body: JSON.stringify(body) };
}
