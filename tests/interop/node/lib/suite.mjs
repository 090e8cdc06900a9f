// DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite (Digital Bazaar).
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

// `created`: an XSD dateTime string for the proof's `created` (the library writes it with
// second precision); omitted means "now".
export function signingSuite({keyPair, created}) {
  return new DataIntegrityProof({
    signer: keyPair.signer(), date: created, cryptosuite: eddsaRdfc2022
  });
}

export function verifyingSuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
}
