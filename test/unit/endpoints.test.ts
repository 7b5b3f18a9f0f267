import { describe, expect, it } from 'vitest';
import { endpoint } from '../../src/main/connectors/endpoints.ts';

describe('endpoint', () => {
  it('keeps the documented address when nothing is overridden', () => {
    expect(endpoint('https://api.dropboxapi.com/oauth2/token', {})).toBe('https://api.dropboxapi.com/oauth2/token');
  });

  it('swaps the origin for a loopback one and keeps path and query', () => {
    const env = { LEDGERDROP_TEST_ENDPOINTS: JSON.stringify({ 'https://content.dropboxapi.com': 'http://127.0.0.1:4567' }) };
    expect(endpoint('https://content.dropboxapi.com/2/files/upload?x=1', env)).toBe('http://127.0.0.1:4567/2/files/upload?x=1');
    expect(endpoint('https://api.dropboxapi.com/2/files/get_metadata', env)).toBe('https://api.dropboxapi.com/2/files/get_metadata');
  });

  it('refuses to send traffic anywhere but this machine', () => {
    const env = { LEDGERDROP_TEST_ENDPOINTS: JSON.stringify({ 'https://api.dropboxapi.com': 'https://evil.example.com' }) };
    expect(() => endpoint('https://api.dropboxapi.com/x', env)).toThrow(/loopback/);
    expect(() => endpoint('https://api.dropboxapi.com/x', { LEDGERDROP_TEST_ENDPOINTS: '{' })).toThrow(/JSON/);
  });
});
