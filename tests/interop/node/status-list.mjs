#!/usr/bin/env node
// Creates and signs a BitstringStatusListCredential with Digital Bazaar's
// vc-bitstring-status-list (list encoding) and vc.issue (eddsa-rdfc-2022).
//
// usage: node status-list.mjs --contexts PATH/contexts.json < request.json
// request: {
//   "id": "https://example.edu/status/1",   // the status list credential URL
//   "seed": "<64 hex digits>",               // issuer key; the issuer is its did:key
//   "statusPurpose": "revocation",
//   "setIndexes": [7, 42],                   // bits set to 1 (revoked / suspended)
//   "length": 131072,                        // optional, bits
//   "validFrom": "2024-01-01T00:00:00Z",     // optional
//   "created": "2024-01-01T00:00:00Z"        // proof.created (optional)
// }
// output: {"credential": {...signed...}, "did": "did:key:..."}
import * as vc from '@digitalbazaar/vc';
import {createCredential, createList} from '@digitalbazaar/vc-bitstring-status-list';

import {main} from './lib/io.mjs';
import {keyPairFromSeed} from './lib/keys.mjs';
import {loadContexts, makeDocumentLoader} from './lib/loader.mjs';
import {signingSuite} from './lib/suite.mjs';

async function statusList(request, contextsPath) {
  const {
    id, seed, statusPurpose = 'revocation', setIndexes = [], length = 131072,
    validFrom, created
  } = request;
  const keyPair = await keyPairFromSeed(seed);
  const list = await createList({length});
  for(const index of setIndexes) {
    list.setStatus(index, true);
  }
  const credential = await createCredential({id, list, statusPurpose});
  credential.issuer = keyPair.controller;
  if(validFrom) {
    credential.validFrom = validFrom;
  }
  const documentLoader = makeDocumentLoader({contexts: loadContexts(contextsPath)});
  const signed = await vc.issue({
    credential,
    suite: signingSuite({keyPair, created}),
    documentLoader,
    now: created
  });
  return {credential: signed, did: keyPair.controller};
}

await main(statusList);
