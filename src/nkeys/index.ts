export { ALL_ROLES, type Role, Roles, roleCanSign, roleOfLetter, roleOfPrefix } from './roles.js';
export { base32Decode, base32Encode } from './base32.js';
export { decodePublicKey, decodeSeed, describeKeyText, encodePublicKey, encodeSeed, isPublicKey, isSeed, publicKeyRole } from './codec.js';
export { type AsyncSigner, KeyPair, type Signer, publicKeyObject, verifySignature } from './keypair.js';
