// A TCP server on 127.0.0.1 that speaks just enough of the NATS client protocol (INFO, PONG,
// SUB, PUB, MSG) for a client to connect, subscribe to its inbox and publish requests — and
// then answers each request as the test says: garbage, oversized, wrongly typed, a flood,
// silence, or a dropped connection. It is what a broken or hostile "server" looks like to
// sigchain, which a real nats-server cannot be made to play ($SYS answers come only from the
// server itself).
import { type Socket, createServer } from 'node:net';

/** What the fake does with one request: answers to send (bytes or text), or `'close'` to drop the connection. */
export type FakeAnswer = Array<string | Uint8Array> | 'close';

export interface FakeNats {
  readonly url: string;
  readonly port: number;
  /** Every request seen, in order: subject and body. */
  readonly requests: Array<{ subject: string; body: Buffer }>;
  close(): Promise<void>;
}

export interface FakeNatsOptions {
  /** How each request (`PUB subject reply`) is answered; undefined or `[]` is silence. */
  answer(subject: string, body: Buffer): FakeAnswer | undefined;
  /** The server id and name its INFO gives. */
  id?: string;
  name?: string;
}

/**
 * Starts the fake on a free port.
 *
 * @example
 * ```ts
 * const fake = await startFakeNats({ answer: (s) => (s === '$SYS.REQ.CLAIMS.LIST' ? ['not json'] : undefined) });
 * ```
 */
export function startFakeNats(o: FakeNatsOptions): Promise<FakeNats> {
  const id = o.id ?? `NFAKE${'A'.repeat(51)}`;
  const requests: FakeNats['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const info = { server_id: id, server_name: o.name ?? 'fake', version: '2.9.10', proto: 1, go: 'go1.19', host: '127.0.0.1', port: 0, headers: true, max_payload: 64 * 1024 * 1024, auth_required: true, nonce: 'abcdefghijklmno' };
    sock.write(`INFO ${JSON.stringify(info)}\r\n`);
    const subs = new Map<string, string>(); // sid -> subject
    let buf = Buffer.alloc(0);
    const sidFor = (reply: string): string | undefined => {
      for (const [sid, subject] of subs) if (subject === reply || (subject.endsWith('.*') && reply.startsWith(subject.slice(0, -1)))) return sid;
      return undefined;
    };
    const onPub = (subject: string, reply: string, body: Buffer) => {
      requests.push({ subject, body });
      const a = o.answer(subject, body);
      if (a === 'close') {
        sock.destroy();
        return;
      }
      const sid = sidFor(reply);
      if (!a || !reply || !sid) return;
      for (const x of a) {
        const data = typeof x === 'string' ? Buffer.from(x) : Buffer.from(x);
        sock.write(Buffer.concat([Buffer.from(`MSG ${reply} ${sid} ${data.length}\r\n`), data, Buffer.from('\r\n')]));
      }
    };
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.subarray(0, eol).toString();
        const [op, ...args] = line.split(' ');
        const verb = (op ?? '').toUpperCase();
        if (verb === 'PUB') {
          const size = Number(args[args.length - 1]);
          if (buf.length < eol + 2 + size + 2) return; // wait for the payload
          const body = buf.subarray(eol + 2, eol + 2 + size);
          buf = buf.subarray(eol + 2 + size + 2);
          onPub(args[0]!, args.length === 3 ? args[1]! : '', Buffer.from(body));
          continue;
        }
        buf = buf.subarray(eol + 2);
        if (verb === 'PING') sock.write('PONG\r\n');
        else if (verb === 'SUB') subs.set(args[args.length - 1]!, args[0]!);
        else if (verb === 'UNSUB') subs.delete(args[0]!);
        // CONNECT and PONG need no answer (the client is not verbose).
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `nats://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
