// Bring your own key: credential resolution, stored-key encryption and the SSRF guard for user endpoints.
export * from './directory/identity.store';
export {
  IdentityDirectory,
  type DirectoryChangeNotifier,
  type DirectoryLogger,
  type IdentityDirectoryOptions,
  type TeamSettings,
  type TokenOwner,
} from './directory/identity.directory';
export { effectiveMode, resolveCredential, type CredentialCandidates, type CredentialResolution, type CredentialSource } from './resolution/credential.resolution';
export { hashGatewayToken, issueGatewayToken, type IssuedGatewayToken } from './tokens/gateway-token.issuer';
export {
  generateKeyEncryptionKey,
  KEY_ENCRYPTION_KEY_BYTES,
  KeyRing,
  KeyRingError,
  type KeyEncryptionKey,
  type KeyRingProblem,
} from './crypto/key-encryption-key.ring';
export { encodeProviderKeyBinding, type ProviderKeyBinding, type ProviderKeyBindingVersion } from './crypto/provider-key.binding';
export {
  isSealedAsCurrent,
  isSealedWithPrimary,
  openProviderKey,
  openStoredProviderKey,
  PROVIDER_KEY_AUTH_TAG_BYTES,
  PROVIDER_KEY_IV_BYTES,
  resealProviderKey,
  sealProviderKey,
  StoredKeyDecryptionError,
  type OpenedProviderKey,
  type SealedProviderKey,
  type StoredKeyDecryptionFailure,
} from './crypto/provider-key.cipher';
export {
  checkProviderKeyFormat,
  MAX_PROVIDER_KEY_BYTES,
  type ProviderKeyFormatCheck,
  type ProviderKeyFormatOptions,
} from './keys/provider-key.format';
export {
  rotateStoredKeys,
  type StoredKeyCursor,
  type StoredKeyRotationArgs,
  type StoredKeyRotationFailure,
  type StoredKeyRotationReport,
  type StoredKeyRow,
} from './keys/stored-key.rotation';
export { classifyAddress, InvalidCidrError, parseCidr, type AddressClassification, type Cidr } from './ssrf/address-range.classifier';
export { resolveSafeAddress, systemResolver, type AddressCheck, type ResolvedAddress, type Resolver } from './ssrf/endpoint.resolver';
export { embeddedIpv4, parseHostLiteral, parseIp, type HostLiteral, type IpAddress } from './ssrf/ip-address.normalizer';
export { PinnedDispatcherCache, type PinnedDispatcherCacheOptions } from './ssrf/pinned-dispatcher.cache';
export { createPinnedDispatcher, type PinnedDispatcherOptions } from './ssrf/pinned-dispatcher';
export { RefusedEndpointError } from './ssrf/refused-endpoint.error';
export { guardUserEndpoint, type GuardedEndpoint } from './ssrf/user-endpoint.guard';
export {
  checkEndpointUrl,
  DEFAULT_ENDPOINT_POLICY,
  InvalidEndpointPolicyError,
  validateEndpointPolicy,
  type EndpointPolicy,
  type UrlCheck,
} from './ssrf/user-endpoint.policy';
