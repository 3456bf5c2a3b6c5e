export * from './mock-upstream';
export * from './services';
