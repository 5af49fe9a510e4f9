import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors.js';

/**
 * Spreadsheets of a Center's history are larger than the API's 1 MB bodies. 10 MB holds the
 * 50,000 rows a file may have (`IMPORT_MAX_ROWS`) at 200 bytes a row, and its text fits in a
 * production instance's 192 MB heap next to the rows' checks.
 */
export const IMPORT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Route config (`@RouteConfig({ uploadBodyLimit })`) that lets one route take larger files. */
export interface UploadRouteConfig {
  uploadBodyLimit?: number;
}

export const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/**
 * Lets routes receive CSV files: a `text/csv` body (kept as bytes: the importer decodes it) or
 * one file in `multipart/form-data`. A CSV body may be as large as its route's
 * `uploadBodyLimit`, elsewhere the global limit; JSON bodies keep the global limit everywhere,
 * so nobody can make the server parse a 10 MB JSON document before being turned away.
 * Call once from createApp, before app.init(); a second call does nothing.
 */
export async function registerImportUploads(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  if (fastify.hasContentTypeParser('text/csv')) return;
  const globalLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  fastify.addContentTypeParser(['text/csv', 'application/csv'], (request, payload, done) => {
    const limit =
      (request.routeOptions.config as UploadRouteConfig | undefined)?.uploadBodyLimit ??
      globalLimit;
    readLimited(request, payload, limit).then(
      (body) => done(null, body),
      (error: Error) => done(error, undefined),
    );
  });
  await app.register(multipart, {
    limits: { fileSize: IMPORT_BODY_LIMIT_BYTES, files: 1, fields: 10, parts: 11 },
  });
}

function readLimited(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  limit: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new DomainError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${megabytes(limit)}`);
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      // As Fastify does with its own limit: stop listening and answer; the rest goes unread.
      if (size > limit) {
        stop();
        reject(tooLarge());
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
