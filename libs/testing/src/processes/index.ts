export * from './entry-process';
export * from './redis-server.process';
