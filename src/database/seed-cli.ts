import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { buildAppConfig } from '../config/app-config.js';
import { ConfigurationError, validateEnvironment } from '../config/environment.js';
import { runMigrations } from './migrate.js';
import { DEMO_ACCOUNTS, seedDemoData } from './seed.js';

/** `npm run seed`: loads the demo data into the database at DATABASE_URL (once). */
try {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnvironment(process.env);
  if (!env.DATABASE_URL) {
    console.error(
      'DATABASE_URL is not set. (npm start loads the demo data into the embedded database by itself.)',
    );
    process.exit(2);
  }
  const config = buildAppConfig(env, env.DATABASE_URL);
  await runMigrations(config.databaseUrl, console.log);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  const seeded = await seedDemoData(app);
  await app.close();
  if (seeded) {
    console.log('Loaded the demo data set. Demo accounts:');
    for (const a of DEMO_ACCOUNTS)
      console.log(`  ${a.role.padEnd(11)} ${a.email}  (password ${a.password})`);
  } else {
    console.log('The database already has a catalogue: nothing loaded.');
  }
} catch (error) {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
}
