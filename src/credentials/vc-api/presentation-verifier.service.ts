import { Injectable } from '@nestjs/common';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { CRYPTOSUITE } from '../data-integrity.js';
import { isKnownContext, offlineDocumentLoader } from '../document-loader.js';
import {
  CredentialVerifier,
  type CredentialVerdict,
  type Problem,
} from './credential-verifier.service.js';
import { didOf } from './did-key-jwk.js';

/** A presentation carries a few credentials; more than this is refused as a whole. */
export const MAX_PRESENTED_CREDENTIALS = 20;

export interface PresentationVerdict {
  verified: boolean;
  proofValid: boolean;
  holder: string | null;
  credentials: CredentialVerdict[];
  checks: string[];
  warnings: Problem[];
  errors: Problem[];
}

const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0/#';

/**
 * A Verifiable Presentation: its own proof (Data Integrity `eddsa-rdfc-2022`, purpose
 * authentication, by a did:key holder, bound to the verifier's challenge and domain), then each
 * credential as /credentials/verify checks it. An unsigned presentation is read, with a
 * warning: nothing then proves that whoever sent it holds the credentials.
 */
@Injectable()
export class PresentationVerifier {
  constructor(private readonly credentials: CredentialVerifier) {}

  async verify(
    presentation: Record<string, unknown>,
    options: { challenge?: unknown; domain?: unknown },
  ): Promise<PresentationVerdict> {
    const errors: Problem[] = [];
    const warnings: Problem[] = [];
    const presented = ([] as unknown[]).concat(presentation.verifiableCredential ?? []);
    const holder = holderOf(presentation);
    let proofValid = false;
    if (presentation.proof === undefined) {
      warnings.push(
        problem(
          'PARSING_ERROR',
          'PRESENTATION_NOT_SIGNED',
          'Unsigned presentation',
          'The presentation has no proof: nothing shows that the sender holds these credentials.',
        ),
      );
    } else {
      const refusal = await this.proofRefusal(presentation, holder, options);
      if (refusal) errors.push(refusal);
      else proofValid = true;
    }
    if (presented.length === 0) {
      errors.push(
        problem(
          'PARSING_ERROR',
          'NO_CREDENTIALS',
          'No credentials',
          'The presentation carries no verifiableCredential.',
        ),
      );
    }
    const credentials: CredentialVerdict[] = [];
    for (const credential of presented) credentials.push(await this.credentials.verify(credential));
    if (credentials.some((c) => !c.verified)) {
      errors.push(
        problem(
          'CRYPTOGRAPHIC_SECURITY_ERROR',
          'CREDENTIAL_NOT_VERIFIED',
          'A credential is not verified',
          'See credentialResults for each credential.',
        ),
      );
    }
    return {
      verified: errors.length === 0,
      proofValid,
      holder,
      credentials,
      checks: ['proof', 'credentials'],
      warnings,
      errors,
    };
  }

  /** Why the presentation's proof does not hold, or null when it does. */
  private async proofRefusal(
    presentation: Record<string, unknown>,
    holder: string | null,
    options: { challenge?: unknown; domain?: unknown },
  ): Promise<Problem | null> {
    const proof = presentation.proof;
    const context = presentation['@context'];
    if (
      !isRecord(proof) ||
      proof.type !== 'DataIntegrityProof' ||
      proof.cryptosuite !== CRYPTOSUITE ||
      typeof proof.verificationMethod !== 'string' ||
      !proof.verificationMethod.startsWith('did:key:z6Mk') ||
      !Array.isArray(context) ||
      !context.every((c) => typeof c === 'string' && isKnownContext(c))
    ) {
      return problem(
        'PARSING_ERROR',
        'MALFORMED',
        'Malformed presentation',
        `Only a DataIntegrityProof (${CRYPTOSUITE}) by a did:key, with known contexts, is checked.`,
      );
    }
    if (holder && holder !== didOf(proof.verificationMethod)) {
      return problem(
        'CRYPTOGRAPHIC_SECURITY_ERROR',
        'HOLDER_MISMATCH',
        'Holder mismatch',
        'The key that signed the presentation is not its holder.',
      );
    }
    if (typeof options.challenge !== 'string' || options.challenge.length === 0) {
      return problem(
        'CRYPTOGRAPHIC_SECURITY_ERROR',
        'CHALLENGE_REQUIRED',
        'Challenge required',
        'Give options.challenge, the value you asked the holder to sign: without it a copied presentation would pass.',
      );
    }
    try {
      // The credentials' own proofs are judged by CredentialVerifier (any form, with status);
      // only the presentation's proof is read from this result.
      const result = await vc.verify({
        presentation,
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader: offlineDocumentLoader,
        challenge: options.challenge,
        domain: typeof options.domain === 'string' ? options.domain : undefined,
        checkStatus: () => Promise.resolve({ verified: true }),
      });
      if (result.presentationResult?.verified) return null;
    } catch {
      // Unreadable JSON-LD: refused below like a bad proof.
    }
    return problem(
      'CRYPTOGRAPHIC_SECURITY_ERROR',
      'INVALID_SIGNATURE',
      'Invalid presentation proof',
      'The presentation’s proof does not hold for this challenge and domain.',
    );
  }
}

function holderOf(presentation: Record<string, unknown>): string | null {
  const holder = presentation.holder;
  if (typeof holder === 'string') return holder;
  return isRecord(holder) && typeof holder.id === 'string' ? holder.id : null;
}

function problem(type: string, code: string, title: string, detail: string): Problem {
  return { type: `${VCDM}${type}`, code, title, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
