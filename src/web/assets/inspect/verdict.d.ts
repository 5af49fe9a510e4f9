/** Types of verdict.js (a plain browser module the server and its tests import as it is). */
export type Verdict = 'valid' | 'expired' | 'suspended' | 'revoked' | 'not_genuine';

export const VERDICTS: readonly Verdict[];

export interface TokenVerification {
  ok: boolean;
  reason?: string | null;
  claims?: { vu?: string | null; [claim: string]: unknown } | null;
}

export function judge(facts: {
  verification: TokenVerification | null | undefined;
  revoked: boolean;
  suspended: boolean;
  today: string;
}): Verdict;

export function localDay(date?: Date): string;
