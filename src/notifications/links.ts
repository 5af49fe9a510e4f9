import type { AppConfig } from '../config/app-config.js';

/**
 * An absolute link into the service for a message: PUBLIC_BASE_URL (no trailing slash) plus
 * `path` (with or without its leading slash, query and fragment kept as given).
 */
export function publicLink(config: AppConfig, path: string): string {
  return `${config.publicBaseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
}
