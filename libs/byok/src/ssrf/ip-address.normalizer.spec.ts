import { embeddedIpv4, parseHostLiteral, parseIp, type HostLiteral } from './ip-address.normalizer';

function ipText(literal: HostLiteral): string | undefined {
  return literal.kind === 'ip' ? literal.ip.text : undefined;
}

describe('parseHostLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0.0.01', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f.0.0x0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['169.254.43518', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['0.0.0.0', '0.0.0.0'],
    ['4294967295', '255.255.255.255'],
  ])('reads IPv4 %s as %s', (host, expected) => {
    expect(ipText(parseHostLiteral(host))).toBe(expected);
  });

  it.each([
    ['[::1]', '::1'],
    ['[::]', '::'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[::FFFF:7F00:1]', '::ffff:7f00:1'],
    ['[2606:4700:0:0:0:0:0:1111]', '2606:4700::1111'],
    ['[2001:db8:0:0:1:0:0:1]', '2001:db8::1:0:0:1'],
    ['fe80::1', 'fe80::1'],
  ])('reads IPv6 %s as %s', (host, expected) => {
    expect(ipText(parseHostLiteral(host))).toBe(expected);
  });

  it.each(['api.openai.com', 'localhost', 'xn--bcher-kva.example', 'a.b.c.d.e', '1.2.3.example'])(
    'treats %s as a name',
    (host) => {
      expect(parseHostLiteral(host)).toEqual({ kind: 'name' });
    },
  );

  it.each([
    ['[fe80::1%eth0]', /zone id/],
    ['fe80::1%25eth0', /zone id/],
    ['[::1', /not a valid IPv6/],
    ['[1::2::3]', /not a valid IPv6/],
    ['1.2.3.4.5', /not a valid IPv4/],
    ['999.1.1.1', /not a valid IPv4/],
    ['1.2.3.08', /not a valid IPv4/],
    ['4294967296', /not a valid IPv4/],
    ['1.256.0.0.', /not a valid IPv4/],
    ['example.123', /not a valid IPv4/],
    ['127.0.0.1 evil.example', /not a valid host name/],
    ['', /not a valid host name/],
  ])('refuses %j as malformed', (host, reason) => {
    const literal = parseHostLiteral(host);
    expect(literal.kind).toBe('malformed');
    expect(literal.kind === 'malformed' && literal.reason).toMatch(reason);
  });

  it.each([
    ['https://2130706433/', '127.0.0.1'],
    ['https://0x7f000001/', '127.0.0.1'],
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://127.1/', '127.0.0.1'],
    ['https://0/', '0.0.0.0'],
    ['https://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'],
    ['https://[::]/', '::'],
  ])('agrees with the hostname new URL() gives for %s', (raw, expected) => {
    expect(ipText(parseHostLiteral(new URL(raw).hostname))).toBe(expected);
  });

  it('agrees with new URL() on every combination of tricky IPv4 parts', () => {
    const parts = ['0', '00', '08', '0x', '0xg', '1', '255', '256', '0xff', '0377', '0400', '65535', '16777215', '4294967295', ''];
    const hosts = parts.flatMap((a) => parts.flatMap((b) => [`${a}`, `${a}.${b}`, `${a}.${b}.`, `1.${a}.${b}`, `1.2.${a}.${b}`]));
    for (const host of hosts) {
      let viaUrl: string;
      try {
        viaUrl = new URL(`https://${host}/`).hostname;
      } catch {
        viaUrl = 'invalid';
      }
      const literal = parseHostLiteral(host);
      const viaParser = literal.kind === 'ip' ? literal.ip.text : literal.kind === 'name' ? host : 'invalid';
      expect({ host, result: viaParser }).toEqual({ host, result: viaUrl });
    }
  });
});

describe('parseIp', () => {
  it('accepts only dotted-decimal IPv4 and zone-free IPv6', () => {
    expect(parseIp('10.0.0.1')?.text).toBe('10.0.0.1');
    expect(parseIp('2001:DB8::1')?.text).toBe('2001:db8::1');
    expect(parseIp('0x7f000001')).toBeUndefined();
    expect(parseIp('127.1')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseIp('[::1]')).toBeUndefined();
  });
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::127.0.0.1', '127.0.0.1'],
    ['::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::10.0.0.1', '10.0.0.1'],
    ['64:ff9b::5db8:d70e', '93.184.215.14'],
  ])('maps %s to %s', (ipv6, ipv4) => {
    expect(embeddedIpv4(parseIp(ipv6)!)?.text).toBe(ipv4);
  });

  it.each(['::', '::1', '2606:4700::1111', '::ffff:0:7f00:1', '64:ff9b:1::a00:1', '127.0.0.1'])(
    'leaves %s alone',
    (address) => {
      expect(embeddedIpv4(parseIp(address)!)).toBeUndefined();
    },
  );
});
