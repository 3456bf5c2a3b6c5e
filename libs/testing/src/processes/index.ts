export * from './entry-process';
