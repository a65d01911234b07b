import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri, publicUri } from '../../../src/custody/pkcs11/uri.js';
import { isSigchainError } from '../../../src/errors.js';

// The examples of RFC 7512 §3.
const RFC_EXAMPLES = [
  'pkcs11:',
  'pkcs11:object=my-pubkey;type=public',
  'pkcs11:object=my-key;type=private?pin-source=file:/etc/token',
  'pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin',
  'pkcs11:object=my-sign-key;type=private?module-name=mypkcs11',
  'pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1',
  'pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin',
  'pkcs11:slot-description=Sun%20Metaslot',
  'pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23',
  'pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ca%fe%04%05%06',
  'pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert',
  'pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert',
  'pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a?pin-source=file:/etc/token_pin&vendor-bbb=value-b',
];

const invalid = (e: unknown): boolean => isSigchainError(e, 'KEY_URI_INVALID');

describe('PKCS#11 URIs (RFC 7512)', () => {
  it('parses every example of the RFC, decoding percent-escapes', () => {
    for (const text of RFC_EXAMPLES) parsePkcs11Uri(text);
    const u = parsePkcs11Uri(RFC_EXAMPLES[3]!);
    assert.equal(u.token, 'The Software PKCS#11 Softtoken');
    assert.equal(u.manufacturer, 'Snake Oil, Inc.');
    assert.equal(u.type, 'cert');
    assert.deepEqual([...u.id!], [0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91]);
    assert.equal(u.serial, '', 'an empty value is a value');
    assert.equal(u.pinSource, 'file:/etc/token_pin');
    assert.equal(parsePkcs11Uri(RFC_EXAMPLES[9]!).token, 'My token% created by Joe');
    assert.equal(parsePkcs11Uri(RFC_EXAMPLES[10]!).token, 'A name with a substring %;');
    assert.equal(parsePkcs11Uri(RFC_EXAMPLES[11]!).token, 'Name with a small A with acute: á');
    assert.equal(parsePkcs11Uri(RFC_EXAMPLES[8]!).libraryVersion, '1.23');
    const v = parsePkcs11Uri(RFC_EXAMPLES[12]!);
    assert.deepEqual(v.vendorPath, [['vendor-aaa', 'value-a']]);
    assert.deepEqual(v.vendorQuery, [['vendor-bbb', 'value-b']]);
    assert.equal(parsePkcs11Uri('PKCS11:token=T').token, 'T', 'the scheme is case-insensitive');
  });

  it('formats them back to the same length (canonical order, same escapes) and the same meaning, without pin-value', () => {
    for (const text of RFC_EXAMPLES) {
      const parsed = parsePkcs11Uri(text);
      const formatted = formatPkcs11Uri(parsed);
      assert.doesNotMatch(formatted, /pin-value/);
      const { pinValue: _drop, ...rest } = parsed;
      assert.deepEqual(parsePkcs11Uri(formatted), rest, text);
      if (!text.includes('pin-value')) assert.equal(formatted.length, text.length, `${text} → ${formatted}`);
    }
  });

  it('publicUri strips pin-value, and no formatted URI ever holds a PIN', () => {
    assert.equal(publicUri('pkcs11:token=T;object=OABC?pin-value=s3cret-PIN&module-path=/m.so'), 'pkcs11:token=T;object=OABC?module-path=/m.so');
    assert.equal(publicUri({ token: 'T', pinValue: '1234' }), 'pkcs11:token=T');
    assert.equal(formatPkcs11Uri({ token: 'My Token', object: 'OABC', id: Uint8Array.of(1), pinValue: '1234' }), 'pkcs11:token=My%20Token;object=OABC;id=%01');
  });

  it('refuses malformed URIs with KEY_URI_INVALID', () => {
    const bad = [
      'pkcs12:token=T',
      'token=T',
      'pkcs11:token',
      'pkcs11:=T',
      'pkcs11:token=T;;object=O',
      'pkcs11:token=T;',
      'pkcs11:token=a;token=b', // a standard path attribute twice
      'pkcs11:vendor-x=1;vendor-x=2', // a vendor path attribute twice
      'pkcs11:token=T?pin-source=file:/a&pin-source=file:/b', // a standard query attribute twice
      'pkcs11:token=T?pin-source=file:/a&pin-value=1', // both PIN forms
      'pkcs11:token=a%2',
      'pkcs11:token=a%zz',
      'pkcs11:token=with space',
      'pkcs11:token=a/b', // "/" is not a path character
      'pkcs11:token=%FF', // not UTF-8
      'pkcs11:type=secret',
      'pkcs11:slot-id=abc',
      'pkcs11:library-version=1.x',
      'pkcs11:token=T#frag',
      'pkcs11:pin-value=1234', // a query attribute in the path
      'pkcs11:?token=T', // a path attribute in the query
      'pkcs11:token=T?',
      'pkcs11:bad name=1',
    ];
    for (const text of bad) assert.throws(() => parsePkcs11Uri(text), invalid, text);
  });

  it('never echoes a pin-value in its refusals', () => {
    for (const text of ['pkcs11:token=T?pin-value=SECRET-918273&pin-value=SECRET-918273', 'pkcs11:token=T?pin-value=SECRET-918273&pin-source=file:/p', 'pkcs11:token=T?pin-value=SECRET%2-918273', 'pkcs11:pin-value=SECRET-918273']) {
      assert.throws(
        () => parsePkcs11Uri(text),
        (e: unknown) => invalid(e) && !(e as Error).message.includes('SECRET') && !JSON.stringify(e).includes('SECRET'),
        text,
      );
    }
  });

  it('round-trips any URI: parse(format(u)) is u (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const uri: fc.Arbitrary<Pkcs11Uri> = fc
      .record(
        {
          token: text,
          manufacturer: text,
          serial: text,
          model: text,
          libraryVersion: fc.oneof(fc.nat({ max: 99 }).map(String), fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`)),
          object: text,
          type: fc.constantFrom('public' as const, 'private' as const, 'cert' as const, 'secret-key' as const, 'data' as const),
          id: fc.uint8Array({ maxLength: 20 }),
          slotDescription: text,
          slotId: fc.nat(),
          pinSource: text,
          moduleName: text,
          modulePath: text,
          vendorPath: fc.uniqueArray(fc.tuple(fc.constantFrom('vendor-a', 'v_b', 'x-c'), text), { selector: ([n]) => n, maxLength: 3 }),
          vendorQuery: fc.array(fc.tuple(fc.constantFrom('vendor-q', 'x-r'), text), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      )
      .map((u) => {
        const out: Record<string, unknown> = { ...u };
        if (Array.isArray(out.vendorPath) && out.vendorPath.length === 0) delete out.vendorPath;
        if (Array.isArray(out.vendorQuery) && out.vendorQuery.length === 0) delete out.vendorQuery;
        return out as Pkcs11Uri;
      });
    fc.assert(
      fc.property(uri, (u) => {
        const formatted = formatPkcs11Uri(u);
        assert.deepEqual(parsePkcs11Uri(formatted), u);
        assert.equal(formatPkcs11Uri(parsePkcs11Uri(formatted)), formatted, 'formatting is canonical');
      }),
      { numRuns: 500 },
    );
  });

  it('a PIN given as pin-value never survives formatting (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 16 }), fc.string({ maxLength: 8 }), (pin, token) => {
        const text = `pkcs11:token=${encodeURIComponent(token)}?pin-value=${encodeURIComponent(pin)}`;
        const out = publicUri(text);
        assert.doesNotMatch(out, /pin-value/);
        assert.equal(parsePkcs11Uri(out).pinValue, undefined);
      }),
    );
  });
});
