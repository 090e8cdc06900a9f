// Ed25519 Multikey key pairs from a 32-byte seed (hex), identified by did:key.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

export async function keyPairFromSeed(seedHex) {
  if(!(typeof seedHex === 'string' && /^[0-9a-fA-F]{64}$/.test(seedHex))) {
    throw new TypeError('"seed" must be 64 hex digits (32 bytes)');
  }
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  // the key's id is its did:key DID URL, so verifiers resolve it offline
  return Ed25519Multikey.generate({seed, controller: `did:key:${publicKeyMultibase}`});
}
