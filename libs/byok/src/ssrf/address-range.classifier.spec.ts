import { classifyAddress, InvalidCidrError, parseCidr, parseDenyList } from './address-range.classifier';
import { parseIp } from './ip-address.normalizer';

function classify(address: string, denyCidrs: string[] = []) {
  return classifyAddress(parseIp(address)!, parseDenyList(denyCidrs));
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.0.0.8', 'IETF protocol assignments'],
  ])('refuses IPv4 %s as %s', (address, kind) => {
    expect(classify(address)).toEqual({ allowed: false, reason: expect.stringContaining(`refused range: ${kind}`) });
  });

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo tunnel'],
    ['2002:7f00:1::1', '6to4 tunnel'],
    ['2001:2::1', 'benchmarking'],
    ['2001:10::1', 'IETF protocol assignments'],
    ['fec0::1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['::ffff:0:7f00:1', 'reserved'],
  ])('refuses IPv6 %s as %s', (address, kind) => {
    expect(classify(address)).toEqual({ allowed: false, reason: expect.stringContaining(`refused range: ${kind}`) });
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', '169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', '10.0.0.1', 'private'],
    ['::127.0.0.1', '127.0.0.1', 'loopback'],
    ['::0.0.0.2', '0.0.0.2', 'unspecified'],
    ['64:ff9b::192.168.0.1', '192.168.0.1', 'private'],
  ])('judges %s as the IPv4 %s it stands for', (address, ipv4, kind) => {
    expect(classify(address)).toEqual({
      allowed: false,
      reason: expect.stringMatching(new RegExp(`maps to ${ipv4.replace(/\./g, '\\.')}, which is in a refused range: ${kind}`)),
    });
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:93.184.215.14',
    '64:ff9b::808:808',
  ])('allows the public address %s', (address) => {
    expect(classify(address)).toEqual({ allowed: true });
  });

  it('refuses an address on the admin deny-list, IPv4 and IPv6', () => {
    const denyCidrs = ['93.184.0.0/16', '2606:4700::/32'];
    expect(classify('93.184.215.14', denyCidrs)).toEqual({
      allowed: false,
      reason: '93.184.215.14 is in the admin deny-list (93.184.0.0/16)',
    });
    expect(classify('2606:4700::1111', denyCidrs)).toEqual({
      allowed: false,
      reason: '2606:4700::1111 is in the admin deny-list (2606:4700::/32)',
    });
    expect(classify('::ffff:93.184.215.14', denyCidrs)).toMatchObject({ allowed: false });
    expect(classify('8.8.8.8', denyCidrs)).toEqual({ allowed: true });
  });
});

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 CIDRs, and a bare address as one host', () => {
    expect(parseCidr('10.0.0.0/8').text).toBe('10.0.0.0/8');
    expect(parseCidr('2001:DB8::/32').text).toBe('2001:db8::/32');
    expect(parseCidr('203.0.113.7').text).toBe('203.0.113.7/32');
    expect(parseCidr('::1').text).toBe('::1/128');
    expect(parseCidr('0.0.0.0/0').text).toBe('0.0.0.0/0');
  });

  it.each([
    ['10.0.0.0/33', /prefix must be 0–32/],
    ['2001:db8::/129', /prefix must be 0–128/],
    ['10.0.0.0/-1', /prefix/],
    ['10.0.0.0/', /prefix/],
    ['10.0.0.1/8', /host bits are set/],
    ['10.0.0/8', /not an IP address/],
    ['0x0a000000/8', /not an IP address/],
    ['example.com/24', /not an IP address/],
    ['10.0.0.0/8/8', /not an IP address/],
  ])('rejects %s, naming it', (cidr, problem) => {
    expect(() => parseCidr(cidr)).toThrow(InvalidCidrError);
    expect(() => parseCidr(cidr)).toThrow(problem);
    expect(() => parseCidr(cidr)).toThrow(`"${cidr}"`);
  });
});
