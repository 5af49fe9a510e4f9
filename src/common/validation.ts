import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { DomainError } from './errors.js';

/**
 * Stands in for a request body that could not be parsed. Parsing happens before guards run,
 * so a parse failure is parked here and reported only after authorization has been decided:
 * a caller who may not use a route learns nothing from what their body looked like.
 */
export class UnparsableBody {
  constructor(readonly reason: string) {}
}

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
  const fields = flatten(errors);
  const summary = fields
    .slice(0, 5)
    .map((f) => `${f.field}: ${f.messages.join(', ')}`)
    .join('; ');
  return new DomainError(400, 'VALIDATION_FAILED', summary || 'The request is not valid', {
    fields,
  });
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
    if (value instanceof UnparsableBody) {
      throw new DomainError(
        400,
        'MALFORMED_BODY',
        `The request body is not valid JSON: ${value.reason}`,
      );
    }
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
