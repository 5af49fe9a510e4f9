// The presentation functions of @digitalbazaar/vc that the VC API's /presentations/verify calls
// (the credential functions are declared in ../linked-data-modules.d.ts; these merge with them).

declare module '@digitalbazaar/vc' {
  export function verify(options: {
    presentation: Record<string, unknown>;
    suite: unknown;
    documentLoader: DocumentLoader;
    challenge?: string;
    domain?: string;
    unsignedPresentation?: boolean;
    checkStatus?: (options: Record<string, unknown>) => Promise<unknown>;
    now?: Date | string;
  }): Promise<{
    verified: boolean;
    error?: Error;
    presentationResult?: { verified: boolean; error?: Error };
  }>;
  export function signPresentation(options: {
    presentation: Record<string, unknown>;
    suite: unknown;
    documentLoader: DocumentLoader;
    challenge: string;
    domain?: string;
  }): Promise<Record<string, unknown>>;
}
