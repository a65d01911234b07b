// A process that appends audit records: `node appender.js DIR COUNT INFLIGHT TAG` (COUNT 0 = until
// killed). INFLIGHT appends are kept in flight at once, so writes carry several lines (group commit)
// and a kill can land in the middle of one. Prints "ready" after its first record.
import { createHash } from 'node:crypto';
import { openAuditLog } from '../../../src/store/audit/log.js';

const [dir, countArg, inflightArg, tag] = process.argv.slice(2);
const count = Number(countArg);
const inflight = Math.max(1, Number(inflightArg ?? 1));
const log = openAuditLog(dir!);
let n = 0;
let ready = false;

async function worker(): Promise<void> {
  while (count === 0 || n < count) {
    const i = n++;
    await log.append({
      time: new Date().toISOString(),
      key: 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4',
      backend: 'memory',
      usage: 'authentication',
      kind: 'message',
      subject: `${tag}-${i}`,
      sha256: createHash('sha256').update(`${tag}-${i}`).digest('hex'),
      caller: { uid: process.getuid?.() ?? 0, pid: process.pid },
      result: 'ok',
    });
    if (!ready) {
      ready = true;
      process.stdout.write('ready\n');
    }
  }
}

await Promise.all(Array.from({ length: inflight }, worker));
