// Shared assertions for coded refusals, used by the nkeys and jwt tests.
import assert from 'node:assert/strict';
import { type ErrorCode, SigchainError } from '../../src/errors.js';

/**
 * Runs `fn`, requires it to throw a {@link SigchainError} with `code`, and returns the error.
 * When `secret` is given, also requires that no 8-character window of it (case-insensitive)
 * shows up in the message, the stack or the JSON form: errors must never leak seed text.
 */
export function throwsCode(fn: () => unknown, code: ErrorCode, secret?: string): SigchainError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `expected ${code}, but nothing was thrown`);
  assert.ok(thrown instanceof SigchainError, `expected a SigchainError ${code}, got ${String(thrown)}`);
  assert.equal(thrown.code, code, `expected ${code}, got ${thrown.code}: ${thrown.message}`);
  assert.ok(thrown.message.length > 0, 'a refusal must say what to do');
  if (secret !== undefined) assertNoSecret(thrown, secret);
  return thrown;
}

/** Fails when any 8-character window of `secret` appears in the error's text (any case). */
export function assertNoSecret(err: SigchainError, secret: string): void {
  const s = secret.trim().toUpperCase();
  const haystack = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err.toJSON())}`.toUpperCase();
  for (let i = 0; i + 8 <= s.length; i++) {
    const window = s.slice(i, i + 8);
    assert.ok(!haystack.includes(window), `error ${err.code} leaks seed text "${window}…": ${err.message}`);
  }
}
