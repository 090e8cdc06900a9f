// Offline JSON-LD document loader for the interop scripts.
//
// Serves exactly three kinds of URL and refuses everything else (it never touches the
// network):
//   1. JSON-LD contexts from microcred's bundled context map (contexts.json: URL -> file,
//      files relative to the map's directory), whose path the caller passes in;
//   2. did:key DIDs and DID URLs, resolved by Digital Bazaar's did-method-key driver with
//      Ed25519 Multikey verification methods;
//   3. extra documents the caller supplies (e.g. status list credential URL -> JSON).
import {readFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';

// Belt and braces: nothing in these scripts may reach the network.
globalThis.fetch = async url => {
  throw new Error(`network access is disabled in the interop scripts (${url})`);
};

export function loadContexts(contextsJsonPath) {
  const map = JSON.parse(readFileSync(contextsJsonPath, 'utf8'));
  const base = dirname(resolve(contextsJsonPath));
  const contexts = new Map();
  for(const [url, file] of Object.entries(map)) {
    contexts.set(url, JSON.parse(readFileSync(resolve(base, file), 'utf8')));
  }
  return contexts;
}

export function makeDocumentLoader({contexts, documents = {}}) {
  const didKeyDriver = didKeyDriverFactory();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
  const extra = new Map(Object.entries(documents));

  return async function documentLoader(url) {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    if(extra.has(url)) {
      return {contextUrl: null, documentUrl: url, document: extra.get(url)};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(
      `offline document loader: ${url} is not a bundled context, a did:key or a ` +
      'document supplied by the test');
  };
}
