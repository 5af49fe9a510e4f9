import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors.js';
import {
  isDocumentNumber,
  normaliseDocumentNumber,
  type IdentityDocumentType,
} from './identity-document.js';
import { Trainee } from './trainee.entity.js';

/** A trainee's document as its two columns (both null: none recorded). */
export interface DocumentColumns {
  identityDocumentType: IdentityDocumentType | null;
  identityDocumentNumber: string | null;
}

/** The columns for a document given in a request (already normalised by the DTO), or none. */
export function documentColumns(
  document: { type: IdentityDocumentType; number: string } | null,
): DocumentColumns {
  return document
    ? { identityDocumentType: document.type, identityDocumentNumber: document.number }
    : { identityDocumentType: null, identityDocumentNumber: null };
}

/**
 * The number a list search `q` stands for when it can be a document number: searched for exact
 * (normalised) matches only, so typing a few digits never lists people by parts of their cards.
 */
export function documentSearch(q: string): string | null {
  const number = normaliseDocumentNumber(q);
  return isDocumentNumber(number) ? number : null;
}

/**
 * One card belongs to one person: a second trainee with the same (type, number) is refused
 * like a second trainee with the same names and birth date (identity-key.ts), naming the one
 * that holds it. The number itself is never in the error (answers and logs quote errors).
 */
export const IdentityDocuments = {
  UNIQUE_INDEX: 'trainees_identity_document_key',

  /** The document columns to set on a PATCH, or null when the given document is the stored one. */
  changeOf(
    trainee: Trainee,
    document: { type: IdentityDocumentType; number: string } | null,
  ): DocumentColumns | null {
    const next = documentColumns(document);
    return next.identityDocumentType === trainee.identityDocumentType &&
      next.identityDocumentNumber === trainee.identityDocumentNumber
      ? null
      : next;
  },

  async assertFree(tx: EntityManager, document: DocumentColumns, self: string | null) {
    const holder = await this.holderOf(tx, document);
    if (holder && holder !== self) throw duplicateDocument(holder);
  },

  /**
   * The check before writing cannot see a twin written at the same moment; the unique index
   * does, and its violation is answered like the check's, naming the record that won.
   */
  async conflictAfterRace(manager: EntityManager, document: DocumentColumns) {
    return duplicateDocument(await this.holderOf(manager, document));
  },

  async holderOf(manager: EntityManager, document: DocumentColumns): Promise<string | null> {
    if (!document.identityDocumentType || !document.identityDocumentNumber) return null;
    const holder = await manager.findOne(Trainee, {
      where: {
        identityDocumentType: document.identityDocumentType,
        identityDocumentNumber: document.identityDocumentNumber,
      },
      select: { id: true },
    });
    return holder?.id ?? null;
  },
};

const duplicateDocument = (existingId: string | null) =>
  conflict(
    'DUPLICATE_IDENTITY_DOCUMENT',
    'Another trainee is registered with the same identity document',
    { existingId },
  );
