#!/usr/bin/env node
// Verifies a credential with Digital Bazaar's vc.verifyCredential (eddsa-rdfc-2022), and
// checks BitstringStatusListEntry status with vc-bitstring-status-list, all offline.
//
// usage: node verify.mjs --contexts PATH/contexts.json < request.json
// request: {
//   "credential": {...},
//   "documents": {URL: JSON, ...},   // optional: e.g. status list credentials
//   "now": "2025-01-01T00:00:00Z"    // optional: the verification time
// }
// output: {
//   "verified": bool,       // proof, validity period and status-list checks passed
//   "errors": [string],     // why not
//   "statusResult": null | {"verified": bool, "errors": [string],
//      "results": [{"statusPurpose", "statusListIndex", "statusListCredential",
//                   "status": bool}]}   // status true: the bit is set (e.g. revoked)
// }
// Note: the library reports a set bit as `status: true` with `verified: true` (the list
// was obtained and checked); deciding that a set revocation bit fails is the caller's.
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

import {main} from './lib/io.mjs';
import {loadContexts, makeDocumentLoader} from './lib/loader.mjs';
import {verifyingSuite} from './lib/suite.mjs';

function messages(error) {
  if(!error) {
    return [];
  }
  const nested = Array.isArray(error.errors) ? error.errors.flatMap(messages) : [];
  const cause = error.cause ? messages(error.cause) : [];
  return [String(error.message ?? error), ...nested, ...cause];
}

function errorsOf(result) {
  const errors = [...messages(result.error)];
  for(const proofResult of result.results ?? []) {
    errors.push(...messages(proofResult.error));
  }
  return [...new Set(errors)];
}

async function verify(request, contextsPath) {
  const {credential, documents = {}, now} = request;
  const documentLoader = makeDocumentLoader({
    contexts: loadContexts(contextsPath), documents
  });
  const result = await vc.verifyCredential({
    credential,
    suite: verifyingSuite(),
    documentLoader,
    now,
    checkStatus: options => checkStatus({
      ...options,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true
    })
  });
  let statusResult = null;
  if(result.statusResult) {
    const {verified, results = [], error} = result.statusResult;
    statusResult = {
      verified,
      errors: messages(error),
      results: results.map(({credentialStatus, status}) => ({
        statusPurpose: credentialStatus.statusPurpose,
        statusListIndex: credentialStatus.statusListIndex,
        statusListCredential: credentialStatus.statusListCredential,
        status
      }))
    };
  }
  const errors = [...errorsOf(result), ...(statusResult?.errors ?? [])];
  return {verified: result.verified, errors: [...new Set(errors)], statusResult};
}

await main(verify);
