export * from './config-reloader';
