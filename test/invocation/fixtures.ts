// Shared by the invocation tests: the keys and inputs of wasmCloud 0.82's own antiforgery test,
// and a MessagePack writer built from the spec (fixmap, fixstr, str8/16, bin8, uint), independent
// of the library under test, writing fields in the order rmp_serde::to_vec_named writes them.
import { type InvocationRequest, actorEntity, providerEntity } from '../../src/invocation/index.js';

// Keys of wasmCloud 0.82's own antiforgery test (crates/host/src/wasmbus/mod.rs).
export const ACTOR = 'MDNX3CB6VBXG55GOJ6UYON7AMK6SLYPB6GLPRZGTEE6625EFLJDQKWWR';
export const PROVIDER = 'VC3IJSRK3KIJUD5PQIEU2UNWT4PQCRYTAXFC4PDLTCMDX7L77YRUGCXW';
export const HOST = 'NAGASFIHF5SBGTNTZUOVWT3O63SJUMIFUL7BH52T3UAFKQW7PPP46KFU';

export function sample(): InvocationRequest {
  return {
    origin: actorEntity(ACTOR),
    target: providerEntity(PROVIDER, 'default', 'wasmcloud:testoperation'),
    operation: 'TestOperation.HandleTest',
    msg: Uint8Array.of(0xf0, 0x9f, 0x8c, 0xae),
    id: '018d2b5e-8c7a-4e5b-9a0f-1c2d3e4f5a6b',
    encoded_claims: 'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.e30.c2ln',
    host_id: HOST,
    content_length: 4,
    traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };
}

const te = new TextEncoder();
export function str(s: string): number[] {
  const b = [...te.encode(s)];
  if (b.length < 32) return [0xa0 | b.length, ...b];
  if (b.length < 256) return [0xd9, b.length, ...b];
  return [0xda, b.length >> 8, b.length & 0xff, ...b];
}
export function bin(b: Uint8Array): number[] {
  return [0xc4, b.length, ...b];
}
export function fixmap(entries: Array<[string, number[]]>): number[] {
  return [0x80 | entries.length, ...entries.flatMap(([k, v]) => [...str(k), ...v])];
}
export function uint(n: number): number[] {
  return n < 128 ? [n] : n < 256 ? [0xcc, n] : [0xcd, n >> 8, n & 0xff];
}
export function entityBytes(pk: string, link: string, contract: string): number[] {
  return fixmap([['public_key', str(pk)], ['link_name', str(link)], ['contract_id', str(contract)]]);
}
export function handBuilt(req: InvocationRequest): Uint8Array {
  return Uint8Array.from(
    fixmap([
      ['origin', entityBytes(req.origin.public_key, req.origin.link_name, req.origin.contract_id)],
      ['target', entityBytes(req.target.public_key, req.target.link_name, req.target.contract_id)],
      ['operation', str(req.operation)],
      ['msg', bin(req.msg)],
      ['id', str(req.id)],
      ['encoded_claims', str(req.encoded_claims)],
      ['host_id', str(req.host_id)],
      ['content_length', uint(req.content_length)],
      ['traceContext', fixmap(Object.entries(req.traceContext).map(([k, v]) => [k, str(v)]))],
    ]),
  );
}

