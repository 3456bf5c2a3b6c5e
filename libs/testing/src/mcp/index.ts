export { startTestMcpServer, type TestMcpServer, type TestMcpServerOptions, type TestMcpToolCall } from './test-mcp-server';
