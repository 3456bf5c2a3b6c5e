export * from './config';
export * from './logging';
export * from './process/run-until-signalled';
export * from './telemetry';
export * from './process/start-or-exit';
export * from './metrics/bound-metrics';
export * from './sql/sql-client';
export * from './process/release-startup-memory';
