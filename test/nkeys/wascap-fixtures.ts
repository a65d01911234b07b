// wasmCloud fixture data for the roles the official nkeys.js refuses (Module M, Service V).
// The seeds and MANIFEST.json are copied into test/fixtures/wascap (wasmCloud/wasmcloud-otp
// v0.63.2 and wasmCloud/wascap, Apache-2.0; see the README there), so a fresh clone has them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's copy of the upstream fixtures (dist/test/nkeys → the repository root is three folders up). */
export const WASCAP_FIXTURES_DIR = fileURLToPath(new URL('../../../test/fixtures/wascap/', import.meta.url));

/** Public test seeds published upstream, and the public key each derives to (MANIFEST.json). */
export const WASCAP_SEEDS = [
  { file: 'echo_unpriv.account.nk', seed: 'SAADV6UE6ILDAJ5TW2LCD2M6MNCMOLLCLQ5OLD53BZA2GTWJKWELBMWA3U', publicKey: 'ADYDCRUIFKCUZFVHZFBVZCPBR6HAT2U63VSVD2BBIWGM62KMJL5RR5YM', role: 'account' },
  { file: 'echo_unpriv.module.nk', seed: 'SMAMZ6LKVEXGCLWVF3A37IRWF6JDV6CI27TB2K3YFX3FO47AEA3QVVZ4JA', publicKey: 'MCRACEYKJLCP7NLVMUTO2SCQ26JFL3Z4TBIXPXDE7KPBI2GEH5DA57L5', role: 'module' },
  { file: 'kvcounter_unpriv.account.nk', seed: 'SAAJJWGAHMZMBI3A62WE4GYOOIDXFRJ5FQOWFWOOUUMAZZBYIH64J4UWCI', publicKey: 'ABRIBHH54GM7QIEJBYYGZJUSDAMO34YM4SKWUQJGIILRB7JYGXEPWUVT', role: 'account' },
  { file: 'kvcounter_unpriv.module.nk', seed: 'SMAJ2SNJHE7MO54ROEWV7J4SGZYZZUGFRI5E4F7PDM3MAEDZMOQYJYSOVM', publicKey: 'MBW3UGAIONCX3RIDDUGDCQIRGBQQOWS643CVICQ5EZ7SWNQPZLZTSQKU', role: 'module' },
] as const;

/** A capability-provider (Service, V) public key published in wasmCloud's documentation. */
export const WASCAP_SERVICE_KEY = 'VC3IJSRK3KIJUD5PQIEU2UNWT4PQCRYTAXFC4PDLTCMDX7L77YRUGCXW';

/** Signed wascap tokens whose issuer seed is above, so re-signing must reproduce them exactly. */
export const WASCAP_TOKENS = [
  {
    file: 'echo_unpriv_s.wasm',
    issuerSeed: WASCAP_SEEDS[0].seed,
    token:
      'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.eyJqdGkiOiI4SkluNEhhb09zU256ZFBsWVRVNmFpIiwiaWF0IjoxNjQyNzkxMDQ1LCJpc3MiOiJBRFlEQ1JVSUZLQ1VaRlZIWkZCVlpDUEJSNkhBVDJVNjNWU1ZEMkJCSVdHTTYyS01KTDVSUjVZTSIsInN1YiI6Ik1DUkFDRVlLSkxDUDdOTFZNVVRPMlNDUTI2SkZMM1o0VEJJWFBYREU3S1BCSTJHRUg1REE1N0w1Iiwid2FzY2FwIjp7Im5hbWUiOiJlY2hvIiwiaGFzaCI6IkFCMTA3RjVDMjIzOUQ4NDk4MENDMjE3RkYzMUIyODZEMTU4MDI5RDE1RTUyNEQ3RkIyNjZEMjg5Q0VENDQ2MkUiLCJ0YWdzIjpbXSwiY2FwcyI6WyIiXSwicmV2Ijo0LCJ2ZXIiOiIwLjMuMyIsInByb3YiOmZhbHNlfX0.1i4V8D75YznDHKy7iuXOT3ZqmHHvpRloWLd3rNtkXwoG__oJkAhqtfjPxebACgcnAD7pdbSxnM1apQt0LiVCCg',
  },
  {
    file: 'kvcounter_unpriv_s.wasm',
    issuerSeed: WASCAP_SEEDS[2].seed,
    token:
      'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.eyJqdGkiOiJFR0E5YzNtRU81cmZpdjFleE9uM0tTIiwiaWF0IjoxNjMxNjI0MjIwLCJpc3MiOiJBQlJJQkhINTRHTTdRSUVKQllZR1pKVVNEQU1PMzRZTTRTS1dVUUpHSUlMUkI3SllHWEVQV1VWVCIsInN1YiI6Ik1CVzNVR0FJT05DWDNSSUREVUdEQ1FJUkdCUVFPV1M2NDNDVklDUTVFWjdTV05RUFpMWlRTUUtVIiwid2FzY2FwIjp7Im5hbWUiOiJrdmNvdW50ZXIiLCJoYXNoIjoiQTJDQzA2NTU3NjZERENFMDhGQTVDQjhDNjYzRTdBRDZBRUI0NENFRUFCNzkwRjVCQzMxRUQzMUI4REQ1MThFMyIsInRhZ3MiOltdLCJjYXBzIjpbIndhc21jbG91ZDpodHRwc2VydmVyIl0sInJldiI6MCwidmVyIjoiMC4zLjAiLCJwcm92IjpmYWxzZX19.s7EbK2U22johAEmP9jeQmAoScVAQlTYUZd40u6eK5TR1mslLGyXDU9tjo6x3E_YgpBv-cBDer2uogYFEYGbIBw',
  },
] as const;

/** One entry of the upstream MANIFEST.json, the fields these tests read. */
export interface ManifestEntry {
  file: string;
  size: number;
  sha256: string;
  type: string;
  expect: { public_key?: string; token?: string; iss?: string; sub?: string; signature_valid?: boolean; header?: { alg?: string } };
}

/** The upstream MANIFEST.json, from the repository's copy. */
export function loadManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(join(WASCAP_FIXTURES_DIR, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];
}
