export * from './mock-upstream';
export * from './services';
export * from './otlp';
export * from './processes';
export * from './mcp';
export * from './browser/chromium';
export * from './byok/legacy-sealed-key';
