// A separate process that writes one file atomically, so a test can kill it mid-write
// or run it under a file-size limit.   <path> <bytes> <fill-char>
import { isSigchainError } from '../../../src/errors.js';
import { writeFileAtomic } from '../../../src/store/atomic.js';

const [path, bytes, fill] = process.argv.slice(2) as [string, string, string];
try {
  await writeFileAtomic(path, Buffer.alloc(Number(bytes), fill), { mode: 0o600 });
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (e) {
  if (!isSigchainError(e)) throw e;
  process.stdout.write(JSON.stringify({ ok: false, code: e.code, message: e.message }));
}
