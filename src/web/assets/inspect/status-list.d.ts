/** Types of status-list.js (a plain browser module its unit spec imports as it is). */
export class SyncError extends Error {
  constructor(code: 'sign_in' | 'not_allowed' | 'network' | 'bad_data' | 'server', message: string);
  code: 'sign_in' | 'not_allowed' | 'network' | 'bad_data' | 'server';
}

export interface SyncBundle {
  issuer: string;
  jwks: { keys: Array<Record<string, unknown>> };
}

export function readStatusList(
  jwt: string,
  bundle: SyncBundle,
  purpose: 'revocation' | 'suspension',
): Promise<Uint8Array>;

export function bitAt(bits: Uint8Array, index: number): boolean | null;
