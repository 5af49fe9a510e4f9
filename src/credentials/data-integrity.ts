import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { sign } from 'node:crypto';
import { isKnownContext, offlineDocumentLoader } from './document-loader.js';
import type { ActiveSigningKey } from './signing-keys.service.js';

export const CRYPTOSUITE = 'eddsa-rdfc-2022';
/** Far above any credential we issue (about 3 KB): JSON-LD work on hostile input stays bounded. */
const MAX_CREDENTIAL_CHARS = 64_000;
const MAX_DEPTH = 16;

/**
 * Signs with the key's Ed25519 KeyObject directly: the private key never leaves Node's crypto
 * for another library's representation.
 *
 * The proof is given as a set of one (`proof: [{…}]`): the same statement in JSON-LD (proofs
 * are a graph container either way, and verifiers accept both), and the shape the Open Badges
 * 3.0 JSON Schema requires.
 */
export async function signDataIntegrity(
  credential: Record<string, unknown>,
  key: ActiveSigningKey,
): Promise<Record<string, unknown>> {
  const suite = new DataIntegrityProof({
    cryptosuite,
    signer: {
      id: key.didKey.verificationMethod,
      algorithm: 'Ed25519',
      sign: ({ data }) => Promise.resolve(sign(null, data, key.privateKey)),
    },
  });
  const signed = (await vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: offlineDocumentLoader,
  })) as Record<string, unknown>;
  return { ...signed, proof: [signed.proof].flat() };
}

export type DataIntegrityCheck =
  | { ok: true; did: string; credential: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'issuer_mismatch' | 'bad_signature' };

/**
 * The proof only (dates and status are judged by the caller, who explains which failed). Cheap
 * structural checks come first, so a stranger's key or an unknown context never reaches the
 * JSON-LD processor; a proof by any key that is not one of the Center's is not a valid proof.
 */
export async function verifyDataIntegrity(
  input: unknown,
  isCenterDid: (did: string) => Promise<boolean>,
): Promise<DataIntegrityCheck> {
  const credential = wellFormed(input);
  if (!credential) return { ok: false, reason: 'malformed' };
  const proof = proofOf(credential) as { verificationMethod: string };
  const did = proof.verificationMethod.split('#')[0];
  if (!(await isCenterDid(did))) return { ok: false, reason: 'unknown_key' };
  const issuer = credential.issuer;
  const issuerId =
    typeof issuer === 'string' ? issuer : (issuer as { id?: unknown } | undefined)?.id;
  if (issuerId !== did) return { ok: false, reason: 'issuer_mismatch' };
  try {
    const validFrom = Date.parse(String(credential.validFrom ?? ''));
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: offlineDocumentLoader,
      // The library refuses to check the signature of an expired credential; judge the
      // signature as of the credential's own start, and the dates separately.
      now: Number.isFinite(validFrom) ? new Date(validFrom) : new Date(),
      checkStatus: () => Promise.resolve({ verified: true }),
    });
    if (result.verified) return { ok: true, did, credential };
    return {
      ok: false,
      reason: result.error?.name === 'VerificationError' ? 'bad_signature' : 'malformed',
    };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

function wellFormed(input: unknown): Record<string, unknown> | null {
  if (!isRecord(input)) return null;
  let size: number;
  try {
    size = JSON.stringify(input).length;
  } catch {
    return null;
  }
  if (size > MAX_CREDENTIAL_CHARS || !plainJson(input, 0)) return null;
  const context = input['@context'];
  if (!Array.isArray(context) || context.length === 0) return null;
  if (!context.every((c) => typeof c === 'string' && isKnownContext(c))) return null;
  const proof = proofOf(input);
  if (!isRecord(proof)) return null;
  if (
    proof.type !== 'DataIntegrityProof' ||
    proof.cryptosuite !== CRYPTOSUITE ||
    proof.proofPurpose !== 'assertionMethod' ||
    typeof proof.verificationMethod !== 'string' ||
    !proof.verificationMethod.startsWith('did:key:z6Mk')
  )
    return null;
  return input;
}

/**
 * The one proof, given as an object (credentials stored before issue 18) or as a set of one (as
 * issued since); anything else (several proofs, none) is not a credential we issue.
 */
function proofOf(credential: Record<string, unknown>): unknown {
  const { proof } = credential;
  if (!Array.isArray(proof)) return proof;
  return proof.length === 1 ? (proof[0] as unknown) : null;
}

/** No nested contexts (we never issue any) and a bounded depth. */
function plainJson(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((v) => plainJson(v, depth + 1));
  if (!isRecord(value)) return true;
  return Object.entries(value).every(
    ([k, v]) => (k !== '@context' || depth === 0) && plainJson(v, depth + 1),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
