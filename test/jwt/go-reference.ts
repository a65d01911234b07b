// Reference tokens written by Go's nats-io/jwt v2.3.0, signed with the deterministic keys of the
// Go table (nkeys.FromRawSeed(prefix, 32×fill), nkeys 0.3.0).

/** Seed of the account signing key ABXHUHG5… (Go table: account, 32 x 0x05) that signed GO_USER_TOKEN. */
export const GO_ACCOUNT_SK_SEED = 'SAAAKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBNQ4A';

/** A user JWT written by the Go library: scoped-out permissions with `>` (HTML-escaped), tags, src. */
export const GO_USER_TOKEN =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJaSUZZNUZHWlZMVjJWQ0JCNzdQRTNVSDdXNTJFS1lWN0hGSjZaQklTNzZCRUhOREw0VjJBIiwiaWF0IjoxNzk1Mjg1MDk2LCJpc3MiOiJBQlhIVUhHNUZHWUxQRDZSSEwyTUtXTVA1NzJPNktVWENaWERaSlhTNFQ1N1pUTUFLQk43REFRSSIsIm5hbWUiOiJVIiwic3ViIjoiVURWRVUzREQ0S09GRUNWNjZWSUhXRVpPWVg0WktSM1dWMjdMNDY0U0lJUE9VMklVSTNKQ1lTSkYiLCJuYXRzIjp7InB1YiI6eyJhbGxvdyI6WyJmb28uXHUwMDNlIl19LCJzdWIiOnsiZGVueSI6WyJzZWNyZXQuXHUwMDNlIl19LCJyZXNwIjp7Im1heCI6MSwidHRsIjowfSwic3JjIjpbIjEyNy4wLjAuMC84Il0sInN1YnMiOi0xLCJkYXRhIjotMSwicGF5bG9hZCI6LTEsImlzc3Vlcl9hY2NvdW50IjoiQURGSkhMQVhBVU1IQTRPV1BPQjRQN1lPNzJBUVIySE1JVVlGT1hMWEUyRFpHTTYzM0s3SFpWWEsiLCJ0YWdzIjpbImVudjpwcm9kIl0sInR5cGUiOiJ1c2VyIiwidmVyc2lvbiI6Mn19.yOpgGLdCzOhwOwydXtPk7_TJ6jptXF04HxwK-QJcGGH0HKM3JAZ0i9PzM730qSNWApARPvAg5Vlz6Ie8Cw3BBw';

/** The decoded payload of GO_USER_TOKEN, byte for byte as Go wrote it. */
export const GO_USER_PAYLOAD =
  '{"jti":"ZIFY5FGZVLV2VCBB77PE3UH7W52EKYV7HFJ6ZBIS76BEHNDL4V2A","iat":1795285096,"iss":"ABXHUHG5FGYLPD6RHL2MKWMP572O6KUXCZXDZJXS4T57ZTMAKBN7DAQI","name":"U","sub":"UDVEU3DD4KOFECV66VIHWEZOYX4ZKR3WV27L464SIIPOU2IUI3JCYSJF","nats":{"pub":{"allow":["foo.\\u003e"]},"sub":{"deny":["secret.\\u003e"]},"resp":{"max":1,"ttl":0},"src":["127.0.0.0/8"],"subs":-1,"data":-1,"payload":-1,"issuer_account":"ADFJHLAXAUMHA4OWPOB4P7YO72AQR2HMIUYFOXLXE2DZGM633K7HZVXK","tags":["env:prod"],"type":"user","version":2}}';

/** A Go account payload (operator-signed): sorted signing keys, a scoped key, a revocation. */
export const GO_ACCOUNT_PAYLOAD =
  '{"jti":"I6QETHCENGEOFCWTUXQLMWWTXR2C4K4OWGLNG7JA7HNEEZ62HWXQ","iat":1795285096,"iss":"OCFIRY65OQE7DFP5KLNS2PF2LVZMUZYJX4OZIEQ36N2IQANUB5XVYOCS","name":"A","sub":"ADFJHLAXAUMHA4OWPOB4P7YO72AQR2HMIUYFOXLXE2DZGM633K7HZVXK","nats":{"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,"leaf":-1},"signing_keys":["ABXHUHG5FGYLPD6RHL2MKWMP572O6KUXCZXDZJXS4T57ZTMAKBN7DAQI",{"kind":"user_scope","key":"ACFIOX77D2ZYIUKXPLGVV7XEAVCWK2G5PSE6BEEGHICVPPD26SPRPZSE","role":"svc","template":{"pub":{"allow":["svc.{{name()}}.\\u003e"]},"sub":{"allow":["_INBOX.\\u003e"]},"subs":-1,"data":-1,"payload":-1}}],"revocations":{"UAJZR5RMNUNEK7CRXJVEWXZ5XUXWT7FJGILCDDOITF7EC26RPWJ4VH26":2000000000},"default_permissions":{"pub":{},"sub":{}},"type":"account","version":2}}';
