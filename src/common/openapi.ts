import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject as BaseOperation,
} from '@nestjs/swagger';

type OperationObject = BaseOperation & { 'x-access'?: string };

/**
 * A 200 whose body is a file (a PDF, a CSV download). Declared per response rather than with
 * `@ApiProduces`, which would also claim the route's JSON errors come as that file type.
 */
export const ApiFileResponse = (mediaType: string, description: string) =>
  ApiOkResponse({
    description,
    content: {
      [mediaType]: {
        schema: mediaType.startsWith('text/')
          ? { type: 'string' }
          : { type: 'string', format: 'binary' },
      },
    },
  });

/** A 200 that is JSON of `type`, or the same rows as a CSV download with `Accept: text/csv`. */
export const ApiJsonOrCsvResponse = (type: Type, description?: string) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description: description ?? 'JSON, or a CSV download with `Accept: text/csv`',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );

const DESCRIPTION =
  'Courses, sessions, trainees, instructors, enrolment and certificates. Errors always have the shape `{statusCode, error, code, message, details}` and come as `application/json`, whatever the route serves when it succeeds. Lists are cursor-paginated (`limit`, `cursor` → `nextCursor`). Routes marked `x-access: public` need no token (`security: []`); the others take a bearer token and name the roles that may call them in `x-roles`.';

/**
 * The OpenAPI 3 document of the app's routes, as served at /docs-json and as
 * `npm run openapi:lint` checks it. The server is the relative `/`: the same document is right
 * on every deployment, and a client generated from it takes its base URL as a setting.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Mine Action Center of Excellence: training and certification')
      .setDescription(DESCRIPTION)
      .setVersion('0.1.0')
      .addServer('/', 'This server')
      .addBearerAuth()
      .build(),
  );
  const declared = new Set((document.tags ?? []).map((tag) => tag.name));
  for (const methods of Object.values(document.paths))
    for (const operation of Object.values(methods as Record<string, OperationObject>)) {
      // @Public() marks the route `x-access: public`; OpenAPI 3 says "no credentials" with an
      // empty requirement, which Nest's explorer leaves out. Derived from the same metadata
      // as the guard's decision, so the document cannot call a public route protected.
      if (operation['x-access'] === 'public') operation.security = [];
      // Each tag is declared once, in the order routes first use it, so tools that group
      // operations by declared tags (Redoc, the linter's operation-tag-defined) see them all.
      for (const tag of operation.tags ?? []) {
        if (declared.has(tag)) continue;
        declared.add(tag);
        (document.tags ??= []).push({ name: tag, description: TAG_DESCRIPTIONS[tag] });
      }
    }
  return document;
}

/** What each group of routes is about, for the document's table of contents. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Liveness and readiness probes for the orchestrator and the load balancer',
  auth: 'Signing in and out, tokens, web sessions and passwords',
  users: 'Accounts and their roles',
  organisations: 'The organisations trainees come from, and their coordinators',
  courses: 'The course catalogue: prerequisites, validity, translations',
  sessions: 'Scheduled sessions of a course: seats, reservations, lifecycle, roster',
  trainees: 'People trained by the Center, their records and transcripts',
  instructors: 'Instructors, their qualifications and session assignments',
  enrolments: 'Seats, the waiting list, attendance and assessment',
  certificates: 'Certificates: issuance, status changes, the PDF and the signed credentials',
  'public verification':
    'What anyone may check without an account: serials, credentials, keys, the issuer profile and status lists (open to every origin: CORS)',
  'signing keys': "The Center's credential signing keys and their rotation",
  reports: 'Aggregated figures, as JSON or CSV',
  imports: "Bulk imports of a Center's history from CSV",
  exports: 'CSV exports of trainees, certificates and enrolments',
  jobs: 'Scheduled jobs that can also be started by hand',
  audit: 'The tamper-evident chain of audit events',
  notifications: 'Mail sent to trainees, instructors and coordinators',
  desk: "The registrar's desk: today's and coming sessions at a glance",
  'trusted issuers': 'Other centres whose credentials the Center accepts, with their keys',
  recognitions:
    "Recognition of prior learning: another centre's verified credential counted as one of our courses",
  inspections:
    "Field inspections: the inspector's offline app's sync bundle (keys, status lists, course names) and the checks it uploads",
};
