import { isIpLiteral, isPublicAddress } from './address-policy';

/** The hostname a URL parser leaves, which is what the downloader checks for an IP literal. */
const hostOf = (url: string) => new URL(url).hostname;

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1'],
    ['127.255.255.254'],
    ['10.0.0.1'],
    ['10.255.255.255'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['100.100.100.200'],
    ['0.0.0.0'],
    ['0.1.2.3'],
    ['224.0.0.1'],
    ['239.255.255.250'],
    ['255.255.255.255'],
    ['240.0.0.1'],
    ['192.0.2.1'],
    ['198.18.0.1'],
    ['::'],
    ['::1'],
    ['fc00::1'],
    ['fd00:ec2::254'],
    ['fe80::1'],
    ['febf::1'],
    ['ff02::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::ffff:10.0.0.1'],
    ['::ffff:a9fe:a9fe'],
    ['::127.0.0.1'],
    ['::7f00:1'],
    ['64:ff9b::7f00:1'],
    ['64:ff9b::a00:1'],
    ['64:ff9b:1::1.2.3.4'],
    ['2002:7f00:1::'],
    ['2002:c0a8:101::1'],
    ['2001::1'],
    ['2001:db8::1'],
    ['not an address'],
    [''],
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['1.1.1.1'],
    ['93.184.216.34'],
    ['172.32.0.1'],
    ['100.128.0.1'],
    ['2606:4700::1111'],
    ['2a00:1450:4001:80b::200e'],
    ['::ffff:1.1.1.1'],
    ['64:ff9b::101:101'],
    ['2002:101:101::1'],
    ['[2606:4700::1111]'],
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '[::ffff:7f00:1]'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
  ])('sees %s as the IP literal %s, and refuses it', (url, host) => {
    expect(hostOf(url)).toBe(host);
    expect(isIpLiteral(hostOf(url))).toBe(true);
    expect(isPublicAddress(hostOf(url))).toBe(false);
  });

  it('tells names from literals', () => {
    expect(isIpLiteral('example.com')).toBe(false);
    expect(isIpLiteral('localhost')).toBe(false);
    expect(isIpLiteral('[::1]')).toBe(true);
  });
});
