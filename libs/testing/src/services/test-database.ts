import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testDatabaseServerUrl } from './test-services.env';

export interface TestDatabase {
  /** URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database on the test Postgres server (DATABASE_URL or the local default). */
export async function createTestDatabase(serverUrl: string = testDatabaseServerUrl()): Promise<TestDatabase> {
  const name = `tollgate_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminConnection(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdminConnection(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function withAdminConnection<T>(serverUrl: string, action: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({ type: 'postgres', url: serverUrl, poolSize: 1, installExtensions: false, connectTimeoutMS: 5_000 });
  await admin.initialize();
  try {
    return await action(admin);
  } finally {
    await admin.destroy();
  }
}
