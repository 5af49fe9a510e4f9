/**
 * The duplicate-detection key of a trainee: names folded (case, accents, spacing, and the
 * Azerbaijani dotless ı / dotted İ), date of birth and nationality. "Əliyev" and "Aliyev" typed
 * by two registrars are the same person far more often than not.
 */
export function identityKey(t: {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nationality: string;
}): string {
  return [
    foldName(t.givenName),
    foldName(t.familyName),
    t.dateOfBirth,
    t.nationality.toUpperCase(),
  ].join('|');
}

/** A name as the identity key holds it; also used to search names whatever their accents. */
export function foldName(name: string): string {
  return name
    .replace(/[ıİ]/g, 'i')
    .replace(/[əƏ]/g, 'a')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\-'’`.]+/g, ' ')
    .trim();
}
