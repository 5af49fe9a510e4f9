import { Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { AppConfig } from '../../config/app-config.js';
import { TrustedIssuersService } from '../../trusted-issuers/trusted-issuers.service.js';
import type { TrustedIssuer } from '../../trusted-issuers/trusted-issuer.entity.js';
import { verifyDataIntegrity } from '../data-integrity.js';
import { SigningKeysService } from '../signing-keys.service.js';
import { verifyCredentialJwt } from '../vc-jwt.js';
import { VerificationService } from '../verification.service.js';
import { statusAt } from './bitstring.js';
import { didKeyToJwk, didOf } from './did-key-jwk.js';
import { FetchFailed, limitedFetch } from './limited-fetch.js';

/**
 * What several verifications in a row may share: the status lists fetched so far (by URL and
 * accepted media type), so a run over many credentials of one issuer fetches its list once.
 */
export interface VerificationRun {
  statusLists?: Map<string, Promise<{ body: string; contentType: string }>>;
}

/** A problem found, as the VC API's ProblemDetails (type, title, detail) plus a short code. */
export interface Problem {
  type: string;
  code: string;
  title: string;
  detail: string;
}

export type CredentialFormat = 'vc+jwt' | 'data-integrity';
/** What the status check found: `unknown` when it was not (or could not be) checked. */
export type FoundStatus =
  'active' | 'revoked' | 'suspended' | 'expired' | 'superseded' | 'not_found' | 'unknown';

export interface StatusEntryResult {
  purpose: string;
  value: number | null;
  verified: boolean;
  input: unknown;
}

/** The whole verdict on one presented credential, for the VC API and for recognitions. */
export interface CredentialVerdict {
  verified: boolean;
  format: CredentialFormat | null;
  /** The proof holds (by a key that is the credential's issuer). */
  proofValid: boolean;
  /** The issuer's identifier (a DID or URL) once the proof holds; null otherwise. */
  issuer: string | null;
  /** The Center itself signed it. */
  center: boolean;
  /** The issuer is the Center or on the list of trusted issuers. */
  trustedIssuer: boolean;
  trustedIssuerRecord: TrustedIssuer | null;
  /** The credential's claims, once the proof holds (never shown as fact before). */
  credential: Record<string, unknown> | null;
  validFrom: string | null;
  validUntil: string | null;
  datesValid: boolean | null;
  status: FoundStatus;
  statusEntries: StatusEntryResult[];
  checks: string[];
  warnings: Problem[];
  errors: Problem[];
}

const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0/#';
const BSL = 'https://www.w3.org/TR/vc-bitstring-status-list/#';
const MAX_JWT_CHARS = 100_000;
const STATUS_LIST_MAX_BYTES = 2_000_000;

function problem(type: string, code: string, title: string, detail: string): Problem {
  return { type, code, title, detail };
}

/**
 * Verifies credentials of any issuer: the Center's own (through VerificationService, whose
 * facts and status come from the register) and other issuers' Data Integrity credentials
 * (`eddsa-rdfc-2022`, did:key) and vc+jwt credentials (keys of a did:key named as `kid`, or
 * stored with a trusted issuer). Nothing is fetched on the credential's say-so: JSON-LD
 * contexts come from the bundled packages, did:key documents are computed, and a status list
 * is fetched only from a host on its trusted issuer's `statusListHosts`, with a timeout and a
 * size limit; anything that goes wrong there is an error in the verdict, never an exception.
 *
 * `verified` means: the proof holds, the dates hold and, for the Center and trusted issuers,
 * every status entry was read and none is set. An untrusted issuer's status lists are never
 * fetched (that would let anyone make the service call any address): its credential can be
 * verified as genuine and current by date, with a warning that its status was not checked.
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly center: VerificationService,
    private readonly trustedIssuers: TrustedIssuersService,
    private readonly config: AppConfig,
  ) {}

  /** `presented`: a vc+jwt string, an EnvelopedVerifiableCredential, or a Data Integrity object. */
  async verify(presented: unknown, run: VerificationRun = {}): Promise<CredentialVerdict> {
    const jwt = envelopedJwt(presented);
    if (jwt !== null) return this.verifyJwt(jwt, run);
    if (isRecord(presented)) return this.verifyDataIntegrity(presented, run);
    return refused(null, [
      problem(
        `${VCDM}PARSING_ERROR`,
        'PARSING_ERROR',
        'Not a credential',
        'A credential is a vc+jwt string, an EnvelopedVerifiableCredential or a Data Integrity object.',
      ),
    ]);
  }

  private async verifyDataIntegrity(
    credential: Record<string, unknown>,
    run: VerificationRun,
  ): Promise<CredentialVerdict> {
    // One proof: an object, or a set of one (as the Center issues them since issue 18).
    const proof =
      Array.isArray(credential.proof) && credential.proof.length === 1
        ? (credential.proof[0] as unknown)
        : credential.proof;
    const method =
      isRecord(proof) && typeof proof.verificationMethod === 'string'
        ? proof.verificationMethod
        : null;
    if (!method) {
      return refused('data-integrity', [
        problem(
          `${VCDM}PARSING_ERROR`,
          'PROOF_MISSING',
          'No proof',
          'The credential carries no Data Integrity proof with a verificationMethod.',
        ),
      ]);
    }
    const did = didOf(method);
    if (await this.keys.findKey((k) => k.did === did))
      return this.ours(credential, 'data-integrity', did);
    const check = await verifyDataIntegrity(credential, () => Promise.resolve(true));
    if (!check.ok) return refused('data-integrity', [proofProblem(check.reason)]);
    const trusted = await this.trustedIssuers.findByDid(check.did);
    return this.judge('data-integrity', check.credential, check.did, trusted, run);
  }

  private async verifyJwt(jwt: string, run: VerificationRun): Promise<CredentialVerdict> {
    if (jwt.length > MAX_JWT_CHARS) {
      return refused('vc+jwt', [
        problem(
          `${VCDM}PARSING_ERROR`,
          'PARSING_ERROR',
          'Too long',
          'The vc+jwt is over 100,000 characters.',
        ),
      ]);
    }
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(jwt).kid;
    } catch {
      return refused('vc+jwt', [proofProblem('malformed')]);
    }
    if (!kid) return refused('vc+jwt', [proofProblem('malformed')]);
    const ownKeys = await this.keys.publicKeys();
    if (ownKeys.some((k) => k.kid === kid))
      return this.ours(jwt, 'vc+jwt', `${this.config.publicBaseUrl}/issuer`);

    // Another issuer's key: its did:key (the kid names the key itself), or a trusted JWKS.
    const candidates: {
      jwk: JWK & { kid: string };
      trusted: TrustedIssuer | null;
      did: string | null;
    }[] = [];
    const fromDid = didKeyToJwk(kid);
    if (fromDid) {
      candidates.push({
        jwk: { ...fromDid, kid },
        trusted: await this.trustedIssuers.findByDid(didOf(kid)),
        did: didOf(kid),
      });
    } else {
      for (const issuer of await this.trustedIssuers.findByKid(kid)) {
        const key = issuer.jwks?.keys.find((k) => k.kid === kid);
        if (key) candidates.push({ jwk: { ...(key as JWK), kid }, trusted: issuer, did: null });
      }
    }
    if (candidates.length === 0) {
      return refused('vc+jwt', [
        problem(
          `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`,
          'UNKNOWN_KEY',
          'Unknown key',
          "The vc+jwt is signed by a key that is neither the Center's nor a trusted issuer's (nor a did:key), so it cannot be checked.",
        ),
      ]);
    }
    let lastReason: 'malformed' | 'unknown_key' | 'bad_signature' = 'bad_signature';
    for (const candidate of candidates) {
      const check = await verifyCredentialJwt(jwt, [candidate.jwk]);
      if (!check.ok) {
        lastReason = check.reason;
        continue;
      }
      const credential = check.payload;
      const issuer = issuerId(credential);
      if (
        candidate.did
          ? issuer !== candidate.did
          : !sameOrigin(issuer, candidate.trusted?.jwksUrl ?? null)
      ) {
        return refused('vc+jwt', [proofProblem('issuer_mismatch')]);
      }
      return this.judge('vc+jwt', credential, issuer!, candidate.trusted, run);
    }
    return refused('vc+jwt', [proofProblem(lastReason)]);
  }

  /** The Center's own credential: the register decides status, as on POST /verify. */
  private async ours(
    presented: string | Record<string, unknown>,
    format: CredentialFormat,
    issuer: string,
  ): Promise<CredentialVerdict> {
    const result = await this.center.credential(presented);
    if (!result.signatureValid)
      return refused(format, [proofProblem(result.checks.signature as ProofReason)]);
    const errors: Problem[] = [];
    if (result.checks.dates !== 'valid') {
      errors.push(
        result.checks.dates === 'not_yet_valid'
          ? problem(
              `${VCDM}RANGE_ERROR`,
              'NOT_YET_VALID',
              'Not valid yet',
              'The credential is not valid yet (validFrom).',
            )
          : problem(
              `${VCDM}RANGE_ERROR`,
              'EXPIRED',
              'Expired',
              'The credential is past its validUntil.',
            ),
      );
    }
    const status = result.status === 'invalid' ? 'unknown' : result.status;
    if (status !== 'active' && status !== 'expired') errors.push(statusProblem(status));
    // The register's word is final (a certificate expired by its day though its dates read fine).
    if (!result.valid && errors.length === 0)
      errors.push(statusProblem(status === 'active' ? 'unknown' : status));
    const credential = claimsOf(presented);
    return {
      verified: result.valid && errors.length === 0,
      format,
      proofValid: true,
      issuer: format === 'data-integrity' ? (issuerId(credential) ?? issuer) : issuer,
      center: true,
      trustedIssuer: true,
      trustedIssuerRecord: null,
      credential,
      validFrom: dateOf(credential, 'validFrom'),
      validUntil: dateOf(credential, 'validUntil'),
      datesValid: result.checks.dates === 'valid',
      status,
      statusEntries: [],
      checks: ['proof', 'validFrom', 'validUntil', 'credentialStatus'],
      warnings: [],
      errors,
    };
  }

  /** Dates and status of a credential whose proof holds. */
  private async judge(
    format: CredentialFormat,
    credential: Record<string, unknown>,
    issuer: string,
    trusted: TrustedIssuer | null,
    run: VerificationRun,
  ): Promise<CredentialVerdict> {
    const errors: Problem[] = [];
    const warnings: Problem[] = [];
    const validFrom = dateOf(credential, 'validFrom') ?? dateOf(credential, 'issuanceDate');
    const validUntil = dateOf(credential, 'validUntil') ?? dateOf(credential, 'expirationDate');
    const now = Date.now();
    let datesValid = true;
    if (validFrom && Date.parse(validFrom) > now) {
      datesValid = false;
      errors.push(
        problem(
          `${VCDM}RANGE_ERROR`,
          'NOT_YET_VALID',
          'Not valid yet',
          `The credential is valid from ${validFrom}.`,
        ),
      );
    }
    if (validUntil && Date.parse(validUntil) < now) {
      datesValid = false;
      errors.push(
        problem(
          `${VCDM}RANGE_ERROR`,
          'EXPIRED',
          'Expired',
          `The credential was valid until ${validUntil}.`,
        ),
      );
    }
    if (!trusted) {
      warnings.push(
        problem(
          `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`,
          'ISSUER_NOT_TRUSTED',
          'Issuer not trusted',
          `${issuer} is not on the Center's list of trusted issuers: the credential is genuine, but the Center does not vouch for its issuer.`,
        ),
      );
    }
    const entries = statusEntries(credential);
    const statusResults: StatusEntryResult[] = [];
    let status: FoundStatus = entries.length === 0 ? 'active' : 'unknown';
    if (entries.length > 0 && !trusted) {
      warnings.push(
        problem(
          `${BSL}STATUS_RETRIEVAL_ERROR`,
          'STATUS_NOT_CHECKED',
          'Status not checked',
          'The status lists of an issuer the Center does not trust are never fetched.',
        ),
      );
    } else if (entries.length > 0 && trusted) {
      status = 'active';
      for (const entry of entries) {
        const result = await this.statusOf(entry, issuer, trusted, format, run);
        statusResults.push(result.entry);
        if (result.problem) errors.push(result.problem);
        if (result.entry.value === null) status = status === 'active' ? 'unknown' : status;
        else if (result.entry.value > 0 && result.entry.purpose === 'revocation')
          status = 'revoked';
        else if (
          result.entry.value > 0 &&
          result.entry.purpose === 'suspension' &&
          status !== 'revoked'
        )
          status = 'suspended';
      }
      if (status === 'revoked' || status === 'suspended') errors.push(statusProblem(status));
    }
    return {
      verified: errors.length === 0,
      format,
      proofValid: true,
      issuer,
      center: false,
      trustedIssuer: trusted !== null,
      trustedIssuerRecord: trusted,
      credential,
      validFrom,
      validUntil,
      datesValid,
      status,
      statusEntries: statusResults,
      checks: [
        'proof',
        'validFrom',
        'validUntil',
        ...(entries.length > 0 && trusted ? ['credentialStatus'] : []),
      ],
      warnings,
      errors,
    };
  }

  /**
   * One BitstringStatusListEntry of a trusted issuer's credential: its list fetched from an
   * allowed host, its proof checked against the same issuer, the entry's value read.
   */
  private async statusOf(
    entry: Record<string, unknown>,
    issuer: string,
    trusted: TrustedIssuer,
    format: CredentialFormat,
    run: VerificationRun,
  ): Promise<{ entry: StatusEntryResult; problem?: Problem }> {
    const purpose = typeof entry.statusPurpose === 'string' ? entry.statusPurpose : '';
    const unread = (code: string, detail: string, type = `${BSL}STATUS_RETRIEVAL_ERROR`) => ({
      entry: { purpose, value: null, verified: false, input: entry },
      problem: problem(type, code, 'Status not read', detail),
    });
    if (entry.type !== 'BitstringStatusListEntry')
      return unread(
        'STATUS_TYPE_UNSUPPORTED',
        `Status entries of type ${String(entry.type)} are not read.`,
      );
    const index = Number(entry.statusListIndex);
    const size = entry.statusSize === undefined ? 1 : Number(entry.statusSize);
    const listUrl =
      typeof entry.statusListCredential === 'string' ? entry.statusListCredential : '';
    let url: URL;
    try {
      url = new URL(listUrl);
    } catch {
      return unread(
        'STATUS_LIST_URL_INVALID',
        'The entry has no valid statusListCredential address.',
      );
    }
    if (!trusted.statusListHosts.includes(url.host.toLowerCase())) {
      return unread(
        'STATUS_HOST_NOT_ALLOWED',
        `${url.host} is not one of the hosts this issuer's status lists are fetched from.`,
      );
    }
    let body: string;
    let contentType: string;
    const accept =
      format === 'vc+jwt'
        ? 'application/vc+jwt, application/json;q=0.5'
        : 'application/json, application/vc+jwt;q=0.5';
    const key = `${accept} ${url.toString()}`;
    let fetched = run.statusLists?.get(key);
    if (!fetched) {
      fetched = limitedFetch(url.toString(), { maxBytes: STATUS_LIST_MAX_BYTES, accept });
      run.statusLists?.set(key, fetched);
    }
    try {
      ({ body, contentType } = await fetched);
    } catch (error) {
      if (error instanceof FetchFailed)
        return unread(`STATUS_FETCH_${error.reason.toUpperCase()}`, error.message);
      throw error;
    }
    const list = await this.statusListCredential(body, contentType, issuer, trusted);
    if (!list)
      return unread(
        'STATUS_LIST_NOT_VERIFIED',
        'The status list is not a credential of the same issuer with a valid proof.',
        `${BSL}STATUS_VERIFICATION_ERROR`,
      );
    const subject = isRecord(list.credentialSubject) ? list.credentialSubject : {};
    const listPurposes = ([] as unknown[]).concat(subject.statusPurpose ?? []);
    if (!listPurposes.includes(purpose))
      return unread(
        'STATUS_PURPOSE_MISMATCH',
        `The list is not a ${purpose} list.`,
        `${BSL}STATUS_VERIFICATION_ERROR`,
      );
    const listUntil = dateOf(list, 'validUntil');
    if (listUntil && Date.parse(listUntil) < Date.now())
      return unread(
        'STATUS_LIST_EXPIRED',
        'The status list is past its validUntil.',
        `${BSL}STATUS_VERIFICATION_ERROR`,
      );
    const value = statusAt(subject.encodedList, index, size);
    if (value === null)
      return unread(
        'STATUS_LIST_LENGTH_ERROR',
        'The index lies outside the list, or the list cannot be read.',
        `${BSL}STATUS_LIST_LENGTH_ERROR`,
      );
    return { entry: { purpose, value, verified: true, input: entry } };
  }

  /** The status list credential, if its proof holds and its issuer is the credential's. */
  private async statusListCredential(
    body: string,
    contentType: string,
    issuer: string,
    trusted: TrustedIssuer,
  ): Promise<Record<string, unknown> | null> {
    const text = body.trim();
    if (contentType.includes('jwt') || /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(text)) {
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(text);
      } catch {
        return null;
      }
      const kid = header.kid ?? '';
      const jwk = didKeyToJwk(kid) ?? trusted.jwks?.keys.find((k) => k.kid === kid) ?? null;
      if (!jwk || header.alg !== 'EdDSA') return null;
      try {
        const key = await importJWK(
          { kty: jwk.kty, crv: jwk.crv, x: jwk.x, alg: 'EdDSA' },
          'EdDSA',
        );
        const { payload } = await compactVerify(text, key, { algorithms: ['EdDSA'] });
        const list = JSON.parse(new TextDecoder().decode(payload)) as unknown;
        if (!isRecord(list)) return null;
        return issuerId(list) === issuer || list.iss === issuer ? list : null;
      } catch {
        return null;
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isRecord(parsed) || !issuer.startsWith('did:key:')) return null;
    const check = await verifyDataIntegrity(parsed, (did) => Promise.resolve(did === issuer));
    return check.ok ? check.credential : null;
  }
}

type ProofReason = 'malformed' | 'unknown_key' | 'issuer_mismatch' | 'bad_signature';

function proofProblem(reason: ProofReason): Problem {
  switch (reason) {
    case 'malformed':
      return problem(
        `${VCDM}PARSING_ERROR`,
        'MALFORMED',
        'Malformed credential',
        'The credential cannot be read: an unknown or inline context, another proof type or cryptosuite, or a broken structure.',
      );
    case 'unknown_key':
      return problem(
        `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`,
        'UNKNOWN_KEY',
        'Unknown key',
        'The proof names a key that cannot be used here.',
      );
    case 'issuer_mismatch':
      return problem(
        `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`,
        'ISSUER_MISMATCH',
        'Issuer mismatch',
        'The key that signed is not the issuer the credential names.',
      );
    case 'bad_signature':
      return problem(
        `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`,
        'INVALID_SIGNATURE',
        'Invalid signature',
        'The proof does not match the credential: it was changed after signing, or not signed by this key.',
      );
  }
}

function statusProblem(status: Exclude<FoundStatus, 'active'>): Problem {
  const code = `STATUS_${status.toUpperCase()}`;
  const detail: Record<typeof status, string> = {
    revoked: 'Its issuer has revoked the credential.',
    suspended: 'Its issuer has suspended the credential.',
    expired: 'The credential has expired.',
    superseded: 'The credential was replaced by a renewal.',
    not_found: 'The Center has no certificate with this serial.',
    unknown: 'The credential status could not be established.',
  };
  return problem(`${BSL}STATUS_VERIFICATION_ERROR`, code, `Status: ${status}`, detail[status]);
}

/** A verdict on a credential whose proof does not hold: it states none of its claims. */
function refused(format: CredentialFormat | null, errors: Problem[]): CredentialVerdict {
  return {
    verified: false,
    format,
    proofValid: false,
    issuer: null,
    center: false,
    trustedIssuer: false,
    trustedIssuerRecord: null,
    credential: null,
    validFrom: null,
    validUntil: null,
    datesValid: null,
    status: 'unknown',
    statusEntries: [],
    checks: ['proof'],
    warnings: [],
    errors,
  };
}

/** The vc+jwt inside a string or an EnvelopedVerifiableCredential; null for anything else. */
export function envelopedJwt(presented: unknown): string | null {
  if (typeof presented === 'string') return presented.trim();
  if (!isRecord(presented)) return null;
  const types = ([] as unknown[]).concat(presented.type ?? []);
  if (!types.includes('EnvelopedVerifiableCredential') || typeof presented.id !== 'string')
    return null;
  const match = /^data:application\/vc\+jwt(?:;[^,]*)?,(.+)$/s.exec(presented.id);
  return match ? match[1].trim() : '';
}

function claimsOf(presented: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof presented !== 'string') return presented;
  try {
    const payload = JSON.parse(
      Buffer.from(presented.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    return isRecord(payload) ? payload : {};
  } catch {
    return {};
  }
}

function statusEntries(credential: Record<string, unknown>): Record<string, unknown>[] {
  return ([] as unknown[]).concat(credential.credentialStatus ?? []).filter(isRecord);
}

export function issuerId(credential: Record<string, unknown>): string | null {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isRecord(issuer) && typeof issuer.id === 'string') return issuer.id;
  return typeof credential.iss === 'string' ? credential.iss : null;
}

function dateOf(credential: Record<string, unknown>, field: string): string | null {
  const value = credential[field];
  return typeof value === 'string' && Number.isFinite(Date.parse(value)) ? value : null;
}

/** A JWKS-trusted issuer's credentials name an issuer on the origin its keys are published at. */
function sameOrigin(issuer: string | null, jwksUrl: string | null): boolean {
  if (!issuer) return false;
  if (!jwksUrl) return true;
  try {
    return new URL(issuer).origin === new URL(jwksUrl).origin;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
