import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { DomainError } from './errors.js';
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

interface FieldProblem {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function validationError(errors: ValidationError[]): DomainError {
  const all = flatten(errors);
  const fields = all.slice(0, MAX_REPORTED_FIELDS).map((f) => ({
    field: clip(f.field, MAX_TEXT),
    messages: f.messages.slice(0, 5).map((message) => clip(message, MAX_TEXT)),
  }));
  const summary = fields
    .slice(0, 5)
    .map((f) => `${f.field}: ${f.messages.join(', ')}`)
    .join('; ');
  return new DomainError(
    400,
    'VALIDATION_FAILED',
    summary || 'The request is not valid',
    all.length > fields.length ? { fields, fieldCount: all.length } : { fields },
  );
}

/** class-validator with unknown fields refused (400) and the one error shape. */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  private readonly inner = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
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
