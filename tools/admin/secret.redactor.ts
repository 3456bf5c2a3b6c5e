/** Replaces every secret the CLI was handed (tokens, a provider key) in whatever it is about to print. */
export class SecretRedactor {
  private secrets: string[] = [];

  add(secret: string | undefined): void {
    const value = secret?.trim();
    if (!value || this.secrets.includes(value)) return;
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = [...this.secrets, value].sort((a, b) => b.length - a.length);
  }

  /** The values that follow `--token` in a command line, found before parsing so not even a parse error shows them. */
  addTokenArguments(argv: readonly string[]): void {
    argv.forEach((arg, index) => {
      if (arg === '--token') this.add(argv[index + 1]);
      else if (arg.startsWith('--token=')) this.add(arg.slice('--token='.length));
    });
  }

  apply(text: string): string {
    return this.secrets.reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text);
  }
}
