export { b64urlDecode, b64urlEncode } from './base64url.js';
export { type DecodedJwt, MAX_TOKEN_SIZE, decodeJwt, verifyJwt, verifyJwtUncached } from './decode.js';
export { signJwt, signJwtAsync, signingInput } from './encode.js';
export { NATS_FORMAT, type TokenFormat, WASCAP_FORMAT } from './formats.js';
export { goJson } from './go-json.js';
export { goJti, type JtiInput } from './jti.js';
