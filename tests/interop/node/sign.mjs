#!/usr/bin/env node
// Signs a credential with Digital Bazaar's vc.issue and eddsa-rdfc-2022.
//
// usage: node sign.mjs --contexts PATH/contexts.json < request.json
// request: {
//   "credential": {...unsigned...},
//   "seed": "<64 hex digits>",             // Ed25519 seed; the issuer is its did:key
//   "created": "2024-01-01T00:00:00Z",      // proof.created (optional)
//   "setIssuer": true,                      // optional: set credential.issuer(.id) to the did:key
//   "statusEntry": {                        // optional: add a BitstringStatusListEntry
//     "statusListCredential": URL, "statusListIndex": "7", "statusPurpose": "revocation"}
// }
// output: {"credential": {...signed...}, "did": "did:key:...", "verificationMethod": "..."}
// A JSON array of requests gives a JSON array of outputs.
import * as vc from '@digitalbazaar/vc';

import {main} from './lib/io.mjs';
import {keyPairFromSeed} from './lib/keys.mjs';
import {loadContexts, makeDocumentLoader} from './lib/loader.mjs';
import {signingSuite} from './lib/suite.mjs';

async function sign(request, contextsPath) {
  const {seed, created, statusEntry, setIssuer = false} = request;
  const credential = structuredClone(request.credential);
  const keyPair = await keyPairFromSeed(seed);
  if(setIssuer) {
    if(credential.issuer && typeof credential.issuer === 'object') {
      credential.issuer.id = keyPair.controller;
    } else {
      credential.issuer = keyPair.controller;
    }
  }
  if(statusEntry) {
    credential.credentialStatus = {
      id: `${statusEntry.statusListCredential}#${statusEntry.statusListIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: statusEntry.statusPurpose ?? 'revocation',
      statusListIndex: String(statusEntry.statusListIndex),
      statusListCredential: statusEntry.statusListCredential
    };
  }
  const documentLoader = makeDocumentLoader({contexts: loadContexts(contextsPath)});
  const signed = await vc.issue({
    credential,
    suite: signingSuite({keyPair, created}),
    documentLoader,
    now: created
  });
  return {credential: signed, did: keyPair.controller, verificationMethod: keyPair.id};
}

await main(sign);
