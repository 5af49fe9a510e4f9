import type { EntityManager } from 'typeorm';
import type { CsvRecord } from './csv-reader.js';
import type { HeaderMap } from './columns.js';
import type { Problems } from './row-checks.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A person's organisation, given by id (`organisationId`) or by name (`organisation`, as a
 * registrar's spreadsheet has it, any case). The organisations must exist already: an import
 * of people does not invent operators.
 */
export class OrganisationLookup {
  private constructor(
    private readonly ids: Set<string>,
    private readonly byName: Map<string, string[]>,
  ) {}

  static async load(tx: EntityManager): Promise<OrganisationLookup> {
    const rows = (await tx.query('SELECT id, name FROM organisations')) as {
      id: string;
      name: string;
    }[];
    const byName = new Map<string, string[]>();
    for (const row of rows) {
      const key = nameKey(row.name);
      byName.set(key, [...(byName.get(key) ?? []), row.id]);
    }
    return new OrganisationLookup(new Set(rows.map((r) => r.id)), byName);
  }

  /**
   * The organisation id for the row: undefined when none is given, null after reporting a
   * problem. A malformed id is left to the DTO's validator (returned as is).
   */
  resolve(record: CsvRecord, header: HeaderMap, problems: Problems): string | null | undefined {
    const id = header.cell(record, 'organisationId')?.toLowerCase();
    const name = header.cell(record, 'organisation');
    let byName: string | undefined;
    if (name !== undefined) {
      const matches = this.byName.get(nameKey(name)) ?? [];
      if (matches.length !== 1) {
        problems.add(
          record.line,
          header.column('organisation'),
          matches.length === 0
            ? `No organisation is named "${name}"`
            : `${matches.length} organisations are named "${name}": give organisationId instead`,
        );
        return null;
      }
      byName = matches[0];
    }
    if (id === undefined) return byName;
    if (!UUID.test(id)) return id;
    if (!this.ids.has(id)) {
      problems.add(record.line, header.column('organisationId'), 'No organisation has this id');
      return null;
    }
    if (byName !== undefined && byName !== id) {
      problems.add(
        record.line,
        header.column('organisation'),
        'organisation and organisationId name different organisations',
      );
      return null;
    }
    return id;
  }
}

const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
