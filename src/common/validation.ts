import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { Lang } from '../web/i18n.js';
import { DomainError } from './errors.js';
import { constraintMessage, type BrokenConstraint, type FieldRule } from './validation-messages.js';
import type { JsonLimitBreach } from './json-limits.js';

/**
 * Stands in for a request body that could not be parsed. Parsing happens before guards run,
 * so a parse failure is parked here and reported only after authorization has been decided:
 * a caller who may not use a route learns nothing from what their body looked like.
 */
export class UnparsableBody {
  constructor(readonly reason: string) {}

  toError(): DomainError {
    return new DomainError(
      400,
      'MALFORMED_BODY',
      `The request body is not valid JSON: ${clip(this.reason, MAX_TEXT)}`,
    );
  }
}

/** A body past its route's JSON limits, parked like UnparsableBody until authorization is done. */
export class OversizedBody extends UnparsableBody {
  constructor(readonly breach: JsonLimitBreach) {
    super(`more than ${breach.max} ${breach.limit}`);
  }

  override toError(): DomainError {
    const { limit, max } = this.breach;
    switch (limit) {
      case 'depth':
        return new DomainError(
          400,
          'MALFORMED_BODY',
          `The request body is nested more than ${max} levels deep`,
          { limit, max },
        );
      case 'keys':
        return new DomainError(
          413,
          'PAYLOAD_TOO_LARGE',
          `The request body has more than ${max} keys`,
          { limit, max },
        );
      case 'arrayLength':
        return new DomainError(
          413,
          'PAYLOAD_TOO_LARGE',
          `An array in the request body has more than ${max} items`,
          { limit, max },
        );
    }
  }
}

/**
 * Problems listed in a validation error; past this, `fieldCount` tells how many there were
 * (the answer stays small).
 */
export const MAX_REPORTED_FIELDS = 20;
/** Field names and messages longer than this are cut (a key may be half a megabyte long). */
const MAX_TEXT = 200;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

interface FieldProblems {
  field: string;
  broken: BrokenConstraint[];
}

/** The decorators' arguments (`@Max(100)` → [100]) of one property, by constraint name. */
function constraintArgs(target: unknown, property: string): Map<string, readonly unknown[]> {
  const args = new Map<string, readonly unknown[]>();
  if (typeof target !== 'object' || target === null) return args;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    target.constructor,
    '',
    true,
    false,
  );
  for (const m of metadata) {
    if (m.propertyName === property && m.name) args.set(m.name, m.constraints ?? []);
  }
  return args;
}

function brokenConstraints(error: ValidationError): BrokenConstraint[] {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return [];
  if (constraints.some(([name]) => name === 'whitelistValidation'))
    return [{ name: 'unknownField', args: [], english: `${error.property} is not a known field` }];
  // An absent field breaks every constraint it has; "required" says it once.
  if (error.value === undefined && !constraints.some(([name]) => name === 'unknownValue'))
    return [{ name: 'required', args: [], english: `${error.property} is required` }];
  const args = constraintArgs(error.target, error.property);
  const range =
    args.has('min') && args.has('max') ? [args.get('min')![0], args.get('max')![0]] : null;
  const broken: BrokenConstraint[] = [];
  for (const [name, english] of constraints) {
    const ranged = range && (name === 'min' || name === 'max');
    if (ranged && broken.some((b) => b.name === 'range')) continue;
    broken.push(
      ranged
        ? { name: 'range', args: range, english }
        : { name, args: args.get(name) ?? [], english },
    );
  }
  return broken;
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblems[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const broken = brokenConstraints(error);
    const own = broken.length > 0 ? [{ field, broken }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * 400 VALIDATION_FAILED naming each field and what it must be (the range, the allowed
 * values), worded in the caller's language for the constraints validation-messages.ts knows.
 */
export class ValidationFailed extends DomainError {
  constructor(
    private readonly problems: FieldProblems[],
    private readonly fieldCount: number,
  ) {
    const english = ValidationFailed.render(problems, fieldCount, 'en');
    super(400, 'VALIDATION_FAILED', english.message, english.details);
  }

  override inLanguage(lang: Lang) {
    return ValidationFailed.render(this.problems, this.fieldCount, lang);
  }

  private static render(problems: FieldProblems[], fieldCount: number, lang: Lang) {
    const fields = problems.map((p) => {
      const field = clip(p.field, MAX_TEXT);
      return {
        field,
        messages: p.broken
          .slice(0, 5)
          .map((b) => clip(constraintMessage(lang, field, b), MAX_TEXT)),
      };
    });
    const summary = fields
      .slice(0, 5)
      .map((f) => f.messages.join(', '))
      .join('; ');
    return {
      message: summary || 'The request is not valid',
      details: fieldCount > fields.length ? { fields, fieldCount } : { fields },
    };
  }
}

/**
 * One field refused by a rule a service checks itself: the same 400 as the pipe's, worded in
 * the caller's language. `problem` is the English predicate for the rules English words case by
 * case (`is built from the e-mail address`).
 */
export function invalidField(
  field: string,
  rule: FieldRule,
  { args = [], problem }: { args?: readonly unknown[]; problem?: string } = {},
): DomainError {
  const broken = { name: rule, args, english: '' };
  broken.english = problem ? `${field} ${problem}` : constraintMessage('en', field, broken);
  return new ValidationFailed([{ field, broken: [broken] }], 1);
}

export function validationError(errors: ValidationError[]): DomainError {
  const all = flatten(errors);
  return new ValidationFailed(all.slice(0, MAX_REPORTED_FIELDS), all.length);
}

/** class-validator with unknown fields refused (400) and the one error shape. */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  private readonly inner = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    // Target and value are read to word the problems (the range, a missing field), never sent.
    validationError: { target: true, value: true },
    exceptionFactory: validationError,
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (value instanceof UnparsableBody) throw value.toError();
    if (metadata.type === 'body' && metadata.metatype && isDtoClass(metadata.metatype)) {
      if (
        value === undefined ||
        value === null ||
        typeof value !== 'object' ||
        Array.isArray(value)
      ) {
        throw new DomainError(400, 'VALIDATION_FAILED', 'The request body must be a JSON object', {
          fields: [],
        });
      }
    }
    return this.inner.transform(value, metadata);
  }
}

function isDtoClass(metatype: unknown): boolean {
  return (
    typeof metatype === 'function' &&
    ![String, Number, Boolean, Array, Object].includes(metatype as never)
  );
}
