import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type LoggerService,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { AppModule } from '../app.module.js';
import { buildAppConfig, type AppConfig } from '../config/app-config.js';
import { validateEnvironment, type EnvironmentVariables } from '../config/environment.js';
import { runMigrations } from '../database/migrate.js';
import { ExportsModule } from '../exports/exports.module.js';
import { ImportsModule } from '../imports/imports.module.js';
import { openDatabase } from './database.js';

/** The application's services without its HTTP server, for one command. */
export interface CliApp {
  app: INestApplicationContext;
  close(): Promise<void>;
}

@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    // Listed here as well as in AppModule, so the command line works whatever AppModule holds.
    return {
      module: CliModule,
      imports: [AppModule.forRoot(config), ImportsModule, ExportsModule],
    };
  }
}

/** Only warnings and errors, and on stderr: stdout carries a command's output (a CSV, say). */
class StderrLogger implements LoggerService {
  log(): void {}
  warn(message: unknown): void {
    process.stderr.write(`warning: ${String(message)}\n`);
  }
  error(message: unknown): void {
    process.stderr.write(`error: ${String(message)}\n`);
  }
}

export function loadEnvironment(): EnvironmentVariables {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return validateEnvironment(process.env);
}

export async function openCliApp(log: (message: string) => void): Promise<CliApp> {
  const env = loadEnvironment();
  const database = await openDatabase(env, log);
  try {
    await runMigrations(database.url, log);
    // One command, then exit: the daily scan's timer and the mail worker belong to the running
    // service, which sends whatever a command queued.
    const config = buildAppConfig(env, database.url, {
      logLevel: 'warn',
      scheduledJobs: false,
      mailWorker: false,
    });
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
      logger: new StderrLogger(),
      abortOnError: false,
    });
    return {
      app,
      close: async () => {
        await app.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
