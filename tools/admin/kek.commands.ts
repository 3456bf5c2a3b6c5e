import { generateKeyEncryptionKey, KeyRingError } from '@tollgate/byok';
import { type AdminCommand, PROGRAM, UsageError } from './admin-command';

export const KEK_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['kek', 'generate'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'none',
    summary: 'Print a new key-encryption key entry (id:base64) for TOLLGATE_ENCRYPTION_KEYS; offline',
    details: [
      'TOLLGATE_ENCRYPTION_KEYS is a comma-separated list of these entries: the first encrypts, every one decrypts.',
      'To rotate, put the new entry first (docs/byok.md, "Rotating the key-encryption key").',
      'The entry is a secret: keep it in your secret store, not in version control.',
    ],
    examples: [`${PROGRAM} kek generate k2026`],
    async run(context) {
      let entry: string;
      try {
        entry = generateKeyEncryptionKey(context.args.id);
      } catch (error) {
        if (error instanceof KeyRingError) throw new UsageError(error.message);
        throw error;
      }
      const separator = entry.indexOf(':');
      context.out.result({ id: entry.slice(0, separator), entry }, () => [entry]);
    },
  },
];
