/**
 * Compromise: answering a leaked signing key in one resumable command. `planCompromise` is
 * the dry run (the blast radius); `applyCompromise` replaces the key, re-signs its entity and
 * re-issues everything the key signed, with a journal that makes an interrupted run safe to repeat.
 *
 * @example
 * ```ts
 * import { Workspace, planCompromise, applyCompromise } from 'sigchain';
 * const ws = Workspace.open();
 * const plan = await planCompromise(ws, 'ADUQ…');
 * if (plan.status !== 'not-listed') await applyCompromise(ws, 'ADUQ…');
 * ```
 */
export * from './compromised.js';
